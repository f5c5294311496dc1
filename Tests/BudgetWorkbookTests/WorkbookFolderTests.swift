import BudgetCore
import Foundation
import Testing
@testable import BudgetWorkbook

/// The project root, found from this file (Tests/<Suite>/<file>.swift).
let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let demoFolder = projectRoot.appendingPathComponent("Workbooks/zezhou-natural-resources-2025")

func defaults() throws -> CodeBook { try CodeLists.loadDefaults(codesFolder: projectRoot.appendingPathComponent("Templates/codes")) }

func temporaryFolder(_ name: String = #function) -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("budget-tests-\(name.filter(\.isLetter))-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
}

/// Copies the demo folder so a test can break one file.
func demoCopy(_ name: String = #function) throws -> URL {
    let dst = temporaryFolder(name)
    for f in try FileManager.default.contentsOfDirectory(atPath: demoFolder.path) {
        try FileManager.default.copyItem(at: demoFolder.appendingPathComponent(f), to: dst.appendingPathComponent(f))
    }
    return dst
}

func problems(_ body: () throws -> Void) -> [Problem] {
    do { try body() } catch let e as ProblemsError { return e.problems } catch { return [Problem(rule: .cell, location: Location(), message: "\(error)")] }
    return []
}

@Suite("CSV reader")
struct CSVTests {
    func records(_ text: String) throws -> [[String]] {
        var r = CSVReader(bytes: Array(text.utf8))
        var fields: [CSVField] = []
        var out: [[String]] = []
        while try r.next(into: &fields) { out.append(fields.map { r.string($0) }) }
        return out
    }

    @Test func quoting() throws {
        #expect(try records("a,b\n1,\"x,y\"\n") == [["a", "b"], ["1", "x,y"]])
        #expect(try records("\u{FEFF}a,b\r\n\"he said \"\"hi\"\"\",2\r\n") == [["a", "b"], ["he said \"hi\"", "2"]])
        #expect(try records("a,b\n1,\"two\nlines\"\n3,4") == [["a", "b"], ["1", "two\nlines"], ["3", "4"]])
        #expect(try records("a,b,\n") == [["a", "b", ""]])
        #expect(try records("a\n\n\nb\n") == [["a"], ["b"]])
    }

    @Test("an unclosed quote names the line it starts on")
    func unclosed() {
        var r = CSVReader(bytes: Array("a,b\n1,2\n3,\"oops\n4,5\n".utf8))
        var f: [CSVField] = []
        #expect(throws: CSVSyntaxError.self) { while try r.next(into: &f) {} }
        var r2 = CSVReader(bytes: Array("a,b\n1,2\n3,\"oops\n".utf8))
        do { while try r2.next(into: &f) {} } catch { #expect(error.line == 3) }
    }

    @Test func writerQuotesOnlyWhenNeeded() {
        var w = CSVWriter(header: ["a", "b"])
        w.row(["x,y", "plain"])
        w.row(["say \"hi\"", ""])
        #expect(w.text == "a,b\n\"x,y\",plain\n\"say \"\"hi\"\"\",\n")
    }
}

@Suite("Workbook folder")
struct WorkbookFolderTests {
    @Test("the demo budget reads and rolls up to the seed's table 3")
    func demo() throws {
        let b = try WorkbookFolder.read(demoFolder, defaults: try defaults())
        let r = Rollup(budget: b)
        #expect(b.department == "泽州县自然资源局" && b.year == 2025)
        #expect(r.total(.department).wanText == "13487.42")
        #expect(r.total(.department, Measure(kinds: [.basic])).wanText == "3950.40")
        #expect(r.total(.department, Measure(kinds: [.project])).wanText == "9537.02")
        let seed: [(String, String, String, String)] = [
            ("208", "667.92", "667.92", ""), ("20805", "667.92", "667.92", ""), ("2080501", "118.60", "118.60", ""),
            ("2080505", "366.21", "366.21", ""), ("2080506", "183.11", "183.11", ""), ("210", "227.32", "227.32", ""),
            ("21007", "1.98", "1.98", ""), ("2100799", "1.98", "1.98", ""), ("21011", "225.34", "225.34", ""),
            ("2101101", "217.44", "217.44", ""), ("2101199", "7.90", "7.90", ""), ("212", "7500.00", "", "7500.00"),
            ("21208", "7500.00", "", "7500.00"), ("2120899", "7500.00", "", "7500.00"), ("220", "4222.91", "2672.43", "1550.47"),
            ("22001", "4222.91", "2672.43", "1550.47"), ("2200101", "2672.43", "2672.43", ""), ("2200199", "1550.47", "", "1550.47"),
            ("221", "319.23", "319.23", ""), ("22102", "319.23", "319.23", ""), ("2210201", "319.23", "319.23", ""),
            ("222", "63.50", "63.50", ""), ("22201", "63.50", "63.50", ""), ("2220101", "63.50", "63.50", ""),
            ("224", "486.55", "", "486.55"), ("22406", "486.55", "", "486.55"), ("2240601", "486.55", "", "486.55"),
        ]
        #expect(r.functionCodes == seed.map(\.0))
        for (code, total, basic, project) in seed {
            #expect(r.total(.function(code)).wanText == total, "\(code)")
            #expect(r.total(.function(code), Measure(kinds: [.basic])).wanText == basic, "\(code)")
            #expect(r.total(.function(code), Measure(kinds: [.project])).wanText == project, "\(code)")
        }
    }

    @Test("load → save → load → save is byte-identical, and the demo folder is already canonical")
    func roundTrip() throws {
        let codes = try defaults()
        for year in ["2025", "2024"] {
            let src = projectRoot.appendingPathComponent("Workbooks/zezhou-natural-resources-\(year)")
            let a = temporaryFolder(), b = temporaryFolder()
            let first = try WorkbookFolder.read(src, defaults: codes)
            try WorkbookFolder.write(first, to: a)
            try WorkbookFolder.write(try WorkbookFolder.read(a, defaults: codes), to: b)
            // WorkbookFolder does not read the disclosure files; `budget load`/`save` carry them (BudgetCLITests: PublishCLITests).
            let disclosure: Set = ["performance-targets.csv", "indicators.csv", "procurement.csv", "assets.csv", "texts"]
            for f in try FileManager.default.contentsOfDirectory(atPath: src.path).sorted() where !disclosure.contains(f) {
                let original = try Data(contentsOf: src.appendingPathComponent(f))
                #expect(try Data(contentsOf: a.appendingPathComponent(f)) == original, "\(year)/\(f)")
                #expect(try Data(contentsOf: b.appendingPathComponent(f)) == original, "\(year)/\(f)")
            }
        }
    }

    @Test("workbook codes and map overrides survive the round trip")
    func ownCodes() throws {
        let dir = try demoCopy()
        try "set,code,name\nfunction,2209988,测试新项\nfunction,2200101,行政运行（改名）\n".write(to: dir.appendingPathComponent("codes.csv"), atomically: true, encoding: .utf8)
        try "economic,government_admin,government_institution\n30101,50199,50501\n".write(to: dir.appendingPathComponent("economic-map.csv"), atomically: true, encoding: .utf8)
        let b = try WorkbookFolder.read(dir, defaults: try defaults())
        #expect(b.codes.name(.function, "2200101") == "行政运行（改名）")
        #expect(b.codes.economicMap["30101"]?.mapping.administrative == "50199")
        let out = temporaryFolder()
        try WorkbookFolder.write(b, to: out)
        #expect(try String(contentsOf: out.appendingPathComponent("codes.csv"), encoding: .utf8) == "set,code,name\nfunction,2200101,行政运行（改名）\nfunction,2209988,测试新项\n")
        #expect(try String(contentsOf: out.appendingPathComponent("economic-map.csv"), encoding: .utf8) == "economic,government_admin,government_institution\n30101,50199,50501\n")
    }

    @Test("bad items: every problem at once, with file, line, column, value and rule")
    func badItems() throws {
        let dir = try demoCopy()
        let url = dir.appendingPathComponent("items.csv")
        var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        lines[1] = lines[1].replacingOccurrences(of: "2080501", with: "2089999")       // unknown function code
        lines[2] = lines[2].replacingOccurrences(of: "141099.00", with: "12.345")      // three decimals
        lines[3] = lines[3].replacingOccurrences(of: "当年", with: "明年")               // carryover
        lines[4] = lines[4].replacingOccurrences(of: "1831100.00", with: "\"1,8311,00\"")  // a misplaced thousands separator
        lines[26] = lines[26].replacingOccurrences(of: ",P02,", with: ",P09,")          // not a project of the unit
        lines[27] = lines[27].replacingOccurrences(of: ",P03,", with: ",,")             // 项目支出 without project
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        let found = problems { _ = try WorkbookFolder.read(dir, defaults: try defaults()) }
        let summary = found.map { "\($0.location.file ?? ""):\($0.location.line ?? 0):\($0.location.column ?? ""):\($0.rule)" }
        #expect(summary == ["items.csv:3:amount:amount", "items.csv:4:carryover:carryover", "items.csv:5:amount:amount",
                            "items.csv:2:function:unknown-function-code", "items.csv:27:project:project-of-other-unit",
                            "items.csv:28:project:project-line-without-project"])
        #expect(found.first { $0.rule == .unknownFunctionCode }?.message.contains("2089999") == true)
        #expect(found.first { $0.location.line == 3 }?.message.contains("12.345") == true)
    }

    @Test("unknown, duplicated and missing columns are named")
    func badColumns() throws {
        let dir = try demoCopy()
        let url = dir.appendingPathComponent("items.csv")
        var text = try String(contentsOf: url, encoding: .utf8)
        text = text.replacingOccurrences(of: "unit,function,economic,source,carryover,kind,project,amount,gov_economic,memo",
                                         with: "unit,function,economic,source,carryover,kind,project,amount,gov_economic,note")
        try text.write(to: url, atomically: true, encoding: .utf8)
        try "code,name,type,name\n080001,局,行政单位,局\n".write(to: dir.appendingPathComponent("units.csv"), atomically: true, encoding: .utf8)
        try "code,unit\nP01,080001\n".write(to: dir.appendingPathComponent("projects.csv"), atomically: true, encoding: .utf8)
        let found = problems { _ = try WorkbookFolder.read(dir, defaults: try defaults()) }
        let rules = Set(found.map { "\($0.location.file ?? ""):\($0.rule):\($0.value ?? $0.location.column ?? "")" })
        #expect(rules.contains("units.csv:duplicate-column:name"))
        #expect(rules.contains("projects.csv:missing-column:name"))
        #expect(rules.contains("items.csv:unknown-column:note"))
    }

    @Test("a missing folder or file is a clear error")
    func missing() throws {
        #expect(throws: WorkbookError.self) { _ = try WorkbookFolder.read(URL(fileURLWithPath: "/nonexistent/wb"), defaults: CodeBook()) }
        let dir = try demoCopy()
        try FileManager.default.removeItem(at: dir.appendingPathComponent("units.csv"))
        do { _ = try WorkbookFolder.read(dir, defaults: try defaults()); Issue.record("expected an error") } catch let e as WorkbookError {
            #expect("\(e)".contains("units.csv"))
        }
    }

    @Test("Excel's BOM and CRLF are accepted, English aliases too")
    func bomAndAliases() throws {
        let dir = try demoCopy()
        let url = dir.appendingPathComponent("items.csv")
        var text = try String(contentsOf: url, encoding: .utf8)
        text = "\u{FEFF}" + text.replacingOccurrences(of: "\n", with: "\r\n")
        text = text.replacingOccurrences(of: ",一般公共预算,当年,基本支出,,1044950.00", with: ",general-public,current,basic,,1044950.00")
        try text.write(to: url, atomically: true, encoding: .utf8)
        let b = try WorkbookFolder.read(dir, defaults: try defaults())
        #expect(Rollup(budget: b).total(.department).wanText == "13487.42")
    }

    @Test("codes padded with spaces, tabs or ideographic spaces read as the clean codes")
    func paddedCodes() throws {
        let dir = try demoCopy()
        let url = dir.appendingPathComponent("items.csv")
        let clean = try WorkbookFolder.read(dir, defaults: try defaults())
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let pads = [" ", "\t", "\u{3000}", " \u{3000} "]
        var out: [String] = [String(lines[0])]
        for (i, line) in lines.dropFirst().enumerated() where !line.isEmpty && !line.contains("\"") {
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for c in [0, 1, 2, 6] where !fields[c].isEmpty { fields[c] = pads[i % 4] + fields[c] + pads[(i + 1) % 4] }
            out.append(fields.joined(separator: ","))
        }
        #expect(out.count == lines.filter { !$0.isEmpty }.count)
        try (out.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        #expect(try WorkbookFolder.read(dir, defaults: try defaults()).items == clean.items)
    }

    @Test("sorting by ranks gives exactly the canonical order")
    func canonicalSort() {
        var items = SyntheticBudget.make(items: 4_000, units: 3, projectsPerUnit: 5, functionLeaves: 30, seed: 5).items
        // Ties on every field but the last few, and optional fields present and absent.
        for i in stride(from: 0, to: items.count, by: 7) { items[i].amount = Money(fen: 100); items[i].governmentEconomic = "50101" }
        for i in stride(from: 0, to: items.count, by: 11) { items[i] = items[(i * 31) % items.count]; items[i].memo = "备注\(i % 3)" }
        #expect(WorkbookFolder.canonicallySorted(items) == items.sorted(by: LineItem.canonicalOrder))
    }
}

