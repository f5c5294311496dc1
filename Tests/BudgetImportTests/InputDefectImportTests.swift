import BudgetCore
import BudgetImport
import BudgetStore
import BudgetWorkbook
import BudgetXLSX
import Foundation
import Testing

/// The defects of issue 10 in `budget import`: each test failed (or trapped) before its fix.
@Suite struct InputDefectImportTests {
    /// Reads a one-sheet workbook of item rows below the template's header.
    func readSheet(_ rows: [[String?]], options: ImportOptions = ImportOptions(), extra: [(String, String)] = [])
        throws -> ImportedFile {
        let dir = try TempDir()
        defer { dir.remove() }
        var b = SheetBuilder()
        b.row(1, itemHeader)
        for (i, r) in rows.enumerated() { b.row(i + 2, r) }
        try b.write(to: dir.file("x.xlsx"), extra: extra)
        return try FileImporter.read(dir.file("x.xlsx"), options: options)
    }

    func refusal(_ file: ImportedFile) -> [Problem] { file.problems.problems.filter { $0.severity == .error } }

    @Test("a number cell past Int64 is refused with the limit, not a trap (CellValues.swift:192)")
    func hugeNumberCell() throws {
        let file = try readSheet([basicLine(amount: "n:92233720368547758.079999")])
        let found = refusal(file)
        #expect(found.map(\.location.description) == ["支出明细 第 2 行 列 H（金额）"], "\(found)")
        #expect(found.first?.message.contains("上限") == true, "\(found)")
    }

    @Test("a 万元 amount past Int64 is refused, in a sheet and in a CSV (Money.swift:161)")
    func hugeWan() throws {
        let file = try readSheet([basicLine(amount: "s:9223372036854.999999"), basicLine(amount: "n:9223372036854.999999")],
                                 options: ImportOptions(amountUnit: .wan))
        #expect(refusal(file).count == 2, "\(refusal(file))")
        #expect(refusal(file).allSatisfy { $0.message.contains("上限") }, "\(refusal(file))")
        let dir = try TempDir()
        defer { dir.remove() }
        let csv = dir.file("items.csv")
        try Data("单位,功能科目,经济科目,资金来源,上年结转,支出类型,项目,金额（万元）,备注\n080001,2080501,30302,一般公共预算,当年,基本支出,,9223372036854.999999,\n".utf8).write(to: csv)
        let fromCSV = try FileImporter.read(csv)
        #expect(refusal(fromCSV).map(\.location.description) == ["items.csv 第 2 行 列 金额（万元）"], "\(refusal(fromCSV))")
    }

    @Test("full-width digits typed in a text cell are the amount they show")
    func fullWidthText() throws {
        let file = try readSheet([basicLine(amount: "s:１２３４．５６"), basicLine(amount: "s:１，２３４")])
        #expect(refusal(file).isEmpty, "\(refusal(file))")
        #expect(file.items.map(\.amount.fen) == [123_456, 123_400])
    }

    @Test("a control character in a memo cell is refused (the reader decodes _x0000_)")
    func controlCharacterInSheet() throws {
        var row = basicLine(amount: "n:1")
        row[9] = "i:a_x0000_b"
        let file = try readSheet([row])
        #expect(refusal(file).map(\.location.description) == ["支出明细 第 2 行 列 J（备注）"], "\(refusal(file))")
    }

    /// A 收入 sheet that could not be read says so once; no second, false problem that the
    /// revenue differs ("表中 0 行").
    @Test("a revenue sheet that failed to read is not also compared with the workspace")
    func noFalseRevenueProblem() throws {
        func inline(_ ref: String, _ text: String) -> String { "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(text)</t></is></c>" }
        let noAmountColumn = sheetXML("<row r=\"1\">\(inline("A1", "资金来源"))\(inline("B1", "收入科目"))</row>"
                                      + "<row r=\"2\">\(inline("A2", "政府性基金预算"))\(inline("B2", "1030148"))</row>")
        let badAmount = sheetXML("<row r=\"1\">\(inline("A1", "资金来源"))\(inline("B1", "收入科目"))\(inline("C1", "金额"))</row>"
                                 + "<row r=\"2\">\(inline("A2", "政府性基金预算"))\(inline("B2", "1030148"))\(inline("C2", "七千五百万"))</row>")
        let sameAsDemo = sheetXML("<row r=\"1\">\(inline("A1", "资金来源"))\(inline("B1", "收入科目"))\(inline("C1", "金额"))</row>"
                                  + "<row r=\"2\">\(inline("A2", "政府性基金预算"))\(inline("B2", "1030148"))<c r=\"C2\"><v>75000000</v></c></row>")
        // The 收入 sheet is the workspace's own, but a line of 支出明细 is wrong (an unknown source).
        var badLine = basicLine(amount: "n:1")
        badLine[3] = "s:火星"
        let cases: [([String?], String)] = [(basicLine(amount: "n:1"), noAmountColumn), (basicLine(amount: "n:1"), badAmount),
                                            (badLine, sameAsDemo)]
        for (line, sheet) in cases {
            let file = try readSheet([line], extra: [("收入", sheet)])
            let found = problems { _ = try FileImporter.plan(file, current: try demoBudget(), currentIsEmpty: false, replace: false) }
            #expect(found.count == 1, "\(found)")
            #expect(!found.contains { $0.message.contains("收入表与工作区中的收入不同") }, "\(found)")
        }
    }

    @Test("the same CSV is read alike by budget load and budget import: an unknown column is refused by both")
    func oneCSVBehaviour() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let text = try String(contentsOf: demoFolder.appendingPathComponent("items.csv"), encoding: .utf8)
            .replacingOccurrences(of: ",memo\n", with: ",note\n")
        try Data(text.utf8).write(to: dir.file("items.csv"))
        let file = try FileImporter.read(dir.file("items.csv"))
        #expect(refusal(file).map { "\($0.location.description) [\($0.rule)]" } == ["items.csv 第 1 行 列 note [unknown-column]"],
                "\(file.problems.problems) \(file.warnings)")
    }
}
