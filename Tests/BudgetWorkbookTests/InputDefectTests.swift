import BudgetCore
import Foundation
import Testing
@testable import BudgetWorkbook

/// The defects of issue 10 in `budget load`: each test failed (or trapped) before its fix.
@Suite("Workbook folder: defects found by a first real use")
struct InputDefectTests {
    /// items.csv of a demo copy with line `line` (1-based, the header is line 1) changed by `edit`.
    func demoWithItemLine(_ line: Int, _ name: String = #function, _ edit: (String) -> String) throws -> URL {
        let dir = try demoCopy(name)
        let url = dir.appendingPathComponent("items.csv")
        var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        lines[line - 1] = edit(lines[line - 1])
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return dir
    }

    /// items.csv replaced by raw bytes.
    func demoWithItemBytes(_ bytes: [UInt8], _ name: String = #function) throws -> URL {
        let dir = try demoCopy(name)
        try Data(bytes).write(to: dir.appendingPathComponent("items.csv"))
        return dir
    }

    let header = "unit,function,economic,source,carryover,kind,project,amount,gov_economic,memo\n"

    @Test("an amount past Int64 is refused with the limit, not a trap (Money.swift:127)")
    func hugeAmount() throws {
        let dir = try demoWithItemLine(2) { $0.replacingOccurrences(of: "1044950.00", with: "92233720368547758.08") }
        let found = problems { _ = try WorkbookFolder.read(dir, defaults: try defaults()) }
        #expect(found.map { "\($0.location.file ?? ""):\($0.location.line ?? 0):\($0.location.column ?? ""):\($0.rule)" }
                == ["items.csv:2:amount:amount"])
        #expect(found.first?.message.contains("上限") == true, "\(found)")
    }

    @Test("two lines of 5×10^16 元 are refused instead of wrapping the total")
    func wrappingTotal() throws {
        let text = header + "080001,2080501,30302,一般公共预算,当年,基本支出,,50000000000000000.00,,\n"
            + "080001,2080501,30307,一般公共预算,当年,基本支出,,50000000000000000.00,,\n"
        let dir = try demoWithItemBytes(Array(text.utf8))
        let found = problems { _ = try WorkbookFolder.read(dir, defaults: try defaults()) }
        #expect(!found.isEmpty)
        #expect(found.allSatisfy { $0.message.contains("上限") }, "\(found)")
    }

    @Test("lines each within the line limit whose total passes the budget limit are refused, naming the total")
    func totalPastLimit() throws {
        var text = header
        for _ in 0..<101 { text += "080001,2080501,30302,一般公共预算,当年,基本支出,,100000000000.00,,\n" }
        let dir = try demoWithItemBytes(Array(text.utf8))
        let found = problems { _ = try WorkbookFolder.read(dir, defaults: try defaults()) }
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.message.contains("10 万亿元") == true, "\(found)")
        #expect(found.first?.location.file == "items.csv")
    }

    @Test("--max-errors 0 never gives a partial budget")
    func limitZero() throws {
        let b = try WorkbookFolder.read(demoFolder, defaults: try defaults(), limit: 0)
        #expect(b.projects.count == 7)
        #expect(b.items.count == 31)
    }

    @Test("latin-1 text is refused with file, line, column and byte offset, never stored as U+FFFD")
    func latin1() throws {
        let bytes = Array((header + "080001,2080501,30302,一般公共预算,当年,基本支出,,1044950.00,,caf").utf8) + [0xE9] + Array("\n".utf8)
        let dir = try demoWithItemBytes(bytes)
        let found = problems { _ = try WorkbookFolder.read(dir, defaults: try defaults()) }
        #expect(found.count == 1, "\(found)")
        let p = try #require(found.first)
        #expect(p.location.file == "items.csv" && p.location.line == 2 && p.location.column == "memo", "\(p)")
        #expect(p.message.contains("UTF-8") && p.message.contains("字节偏移 \(bytes.count - 2)"), "\(p)")
    }

    @Test("a memo cut in the middle of a character is refused")
    func cutCharacter() throws {
        let memo = Array("备注".utf8)
        let bytes = Array((header + "080001,2080501,30302,一般公共预算,当年,基本支出,,1044950.00,,").utf8) + memo.dropLast() + Array("\n".utf8)
        let dir = try demoWithItemBytes(bytes)
        let found = problems { _ = try WorkbookFolder.read(dir, defaults: try defaults()) }
        #expect(found.map(\.location.column) == ["memo"], "\(found)")
    }

    @Test("a control character in a field is refused, a tab is kept")
    func controlCharacters() throws {
        let nul = try demoWithItemLine(2, "nul") { $0 + "a\u{0}b" }
        let found = problems { _ = try WorkbookFolder.read(nul, defaults: try defaults()) }
        #expect(found.map { "\($0.location.line ?? 0):\($0.location.column ?? "")" } == ["2:memo"], "\(found)")
        let tab = try demoWithItemLine(2, "tab") { $0 + "a\tb" }
        #expect(try WorkbookFolder.read(tab, defaults: try defaults()).items[0].memo == "a\tb")
    }

    @Test("a text longer than the limit is refused where it is read (a 10^5-character department name once loaded, then failed in export)")
    func textTooLong() throws {
        let memo = try demoWithItemLine(2, "memo") { $0 + String(repeating: "备", count: TextRule.maxCharacters + 1) }
        let found = problems { _ = try WorkbookFolder.read(memo, defaults: try defaults()) }
        #expect(found.map { "\($0.location.line ?? 0):\($0.location.column ?? ""):\($0.rule)" } == ["2:memo:text-too-long"], "\(found)")
        #expect(found.first?.message.contains("\(TextRule.maxCharacters)") == true)
        let exact = try demoWithItemLine(2, "exact") { $0 + String(repeating: "备", count: TextRule.maxCharacters) }
        #expect(try WorkbookFolder.read(exact, defaults: try defaults()).items.contains { $0.memo.count == TextRule.maxCharacters })

        let dept = try demoCopy("department")
        let json = dept.appendingPathComponent("workbook.json")
        var obj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        obj["department"] = String(repeating: "局", count: 100_000)
        try JSONSerialization.data(withJSONObject: obj).write(to: json)
        let refused = problems { _ = try WorkbookFolder.read(dept, defaults: try defaults()) }
        #expect(refused.map { "\($0.location.file ?? ""):\($0.location.column ?? ""):\($0.rule)" } == ["workbook.json:department:text-too-long"], "\(refused)")
    }

    @Test("full-width digits and point, as a Chinese input method types them, are the same amount")
    func fullWidth() throws {
        let dir = try demoWithItemLine(2) { $0.replacingOccurrences(of: "1044950.00", with: "１０４４９５０．００") }
        let b = try WorkbookFolder.read(dir, defaults: try defaults())
        #expect(b.items[0].amount == Money(fen: 104_495_000))
    }

    @Test("thousands separators: accepted every three digits, refused anywhere else")
    func thousands() throws {
        let good = try demoWithItemLine(2, "good") { $0.replacingOccurrences(of: "1044950.00", with: "\"1,044,950.00\"") }
        #expect(try WorkbookFolder.read(good, defaults: try defaults()).items[0].amount == Money(fen: 104_495_000))
        let fullWidth = try demoWithItemLine(2, "fw") { $0.replacingOccurrences(of: "1044950.00", with: "1，044，950") }
        #expect(try WorkbookFolder.read(fullWidth, defaults: try defaults()).items[0].amount == Money(fen: 104_495_000))
        let bad = try demoWithItemLine(2, "bad") { $0.replacingOccurrences(of: "1044950.00", with: "\"10,44950.00\"") }
        let found = problems { _ = try WorkbookFolder.read(bad, defaults: try defaults()) }
        #expect(found.map(\.rule) == [.amount], "\(found)")
        #expect(found.first?.message.contains("千分位") == true, "\(found)")
    }
}
