import BudgetCore
import BudgetImport
import BudgetStore
import BudgetWorkbook
import BudgetXLSX
import Foundation
import Testing

/// The input template's 参数, 标准 and 人员 sheets (issue 12): written with the workspace's values,
/// read back by `budget import` in the same transaction as the lines.
@Suite struct BasisSheetTests {
    let sampleFolder = repoRoot.appendingPathComponent("Workbooks/shifan-agriculture-2026")

    func sample() throws -> Budget { try WorkbookFolder.read(sampleFolder, defaults: try defaultCodes()) }

    /// Every file of two saved folders, byte for byte.
    func expectSameFolder(_ a: URL, _ b: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: a.path).sorted()
        #expect(try FileManager.default.contentsOfDirectory(atPath: b.path).sorted() == names, sourceLocation: sourceLocation)
        for name in names {
            #expect(try Data(contentsOf: a.appendingPathComponent(name)) == Data(contentsOf: b.appendingPathComponent(name)),
                    "\(name) differs", sourceLocation: sourceLocation)
        }
    }

    @Test("workspace → template → import --replace into a fresh workspace: the same tables, amounts and saved folder")
    func roundTripIntoAFreshWorkspace() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let sample = try sample()
        #expect(!sample.parameters.isEmpty && !sample.standards.isEmpty && !sample.staff.isEmpty)
        let ws = try Workspace.create(at: dir.file("a.budget").path, budget: sample)
        let xlsx = dir.file("input.xlsx")
        try InputTemplate.write(try ws.budget(), to: xlsx)
        _ = try emptyWorkspace(dir, name: "fresh.budget", like: sample)
        let (fresh, file) = try importFile(xlsx, into: dir.file("fresh.budget").path, replace: true)
        #expect(file.problems.problems.isEmpty && file.warnings.isEmpty, "\(file.problems.problems) \(file.warnings)")
        let before = try ws.budget(), after = try fresh.budget()
        #expect(after.parameters == before.parameters)
        #expect(after.standards == before.standards)
        #expect(after.staff == before.staff)
        #expect(after.items.map { [$0.basis ?? "", String($0.amount.fen)] } == before.items.map { [$0.basis ?? "", String($0.amount.fen)] })
        try WorkbookFolder.write(before, to: dir.file("saved-a"))
        try WorkbookFolder.write(after, to: dir.file("saved-b"))
        try expectSameFolder(dir.file("saved-a"), dir.file("saved-b"))
    }

    @Test("import --replace of its own template into a workspace with units changes nothing and logs no basis change")
    func replaceIntoTheSameWorkspace() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.file("a.budget").path
        let ws = try Workspace.create(at: path, budget: try sample())
        try WorkbookFolder.write(try ws.budget(), to: dir.file("saved-a"))
        let xlsx = dir.file("input.xlsx")
        try InputTemplate.write(try ws.budget(), to: xlsx)
        let (after, _) = try importFile(xlsx, into: path, replace: true)
        try WorkbookFolder.write(try after.budget(), to: dir.file("saved-b"))
        try expectSameFolder(dir.file("saved-a"), dir.file("saved-b"))
        #expect(try after.basisHistory().isEmpty)
    }

    @Test("the sheets have Chinese headers and the workspace's values, percentages as written")
    func sheetsArePrefilled() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let sample = try sample()
        let xlsx = dir.file("input.xlsx")
        try InputTemplate.write(sample, to: xlsx)
        let reader = try XLSXReader(url: xlsx)
        func texts(_ sheet: String) throws -> [[String]] {
            try reader.rows(sheet: sheet).map { row in row.cells.map { c -> String in
                switch c.value { case .string(let s): return s; case .number(let n): return n; default: return "" }
            } }
        }
        let parameters = try texts("参数")
        #expect(parameters.first == ["单位", "参数名称", "数值", "备注"])
        #expect(parameters.count == sample.parameters.count + 1)
        #expect(parameters.dropFirst().first?.prefix(3) == ["121001 \(sample.units.first { $0.code == "121001" }!.name)", "监管单价", "8.5"])
        let standards = try texts("标准")
        #expect(standards.first == ["标准名称", "数值", "备注"])
        #expect(standards.contains(["住房公积金比例", "12%", "单位缴存"]))
        let staff = try texts("人员")
        #expect(staff.first == ["单位", "姓名", "类别", "人数"] + WorkbookFolder.staffFields(sample.staff))
        #expect(staff.count == sample.staff.count + 1)
    }

    /// A budget's basis tables changed, written as a template without lines (so an import without
    /// `--replace` adds none), for the merge rules.
    /// A workspace of the sample in `dir`, its budget as stored, and where to write an input workbook.
    func sampleWorkspace(in dir: TempDir) throws -> (path: String, before: Budget, xlsx: URL) {
        let path = dir.file("a.budget").path
        return (path, try Workspace.create(at: path, budget: try sample()).budget(), dir.file("input.xlsx"))
    }

    func templateWithoutLines(_ budget: Budget, at url: URL, _ change: (inout Budget) -> Void) throws {
        var b = budget
        b.items = []
        change(&b)
        try InputTemplate.write(b, to: url)
    }

    @Test("without --replace a parameter or standard of a known name is set, a new one added, none removed; lines follow in one transaction")
    func mergeWithoutReplace() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (path, before, xlsx) = try sampleWorkspace(in: dir)
        try templateWithoutLines(before, at: xlsx) { b in
            b.standards = [Standard(name: "养老保险单位缴费比例", value: try! BasisNumber.parse("18%"), memo: "改"),
                           Standard(name: "新标准", value: try! BasisNumber.parse("7"))]
            b.parameters = [Parameter(unit: "121002", name: "培训人次", value: try! BasisNumber.parse("500"))]
            // One row changed (its key is unique on both sides), one new.
            let k = b.staff.firstIndex { $0.unit == "121001" && $0.name == "一级科员" }!
            b.staff = [b.staff[k]]
            b.staff[0].count = 5
            b.staff.append(StaffRow(unit: "121001", name: "新岗位", category: "在职", count: 1, amounts: ["岗位工资": Money(fen: 100_000)]))
        }
        let (after, _) = try importFile(xlsx, into: path)
        let a = try after.budget()
        #expect(a.standards.count == before.standards.count + 1)
        #expect(a.standards.first { $0.name == "养老保险单位缴费比例" }?.value.text == "18%")
        #expect(a.parameters.count == before.parameters.count)
        #expect(a.parameters.first { $0.name == "培训人次" }?.value.text == "500")
        #expect(a.staff.count == before.staff.count + 1)
        #expect(a.staff.first { $0.unit == "121001" && $0.name == "一级科员" }?.count == 5)
        // The lines that read the pension rate moved with it.
        let pension = before.items.indices.filter { before.items[$0].basis?.contains("养老保险单位缴费比例") == true }
        #expect(!pension.isEmpty)
        for k in pension { #expect(a.items[k].amount != before.items[k].amount) }
        #expect(a.items.count == before.items.count)
    }

    @Test("without --replace, roster rows that cannot be paired one to one are refused, naming the row; nothing changes")
    func ambiguousRosterRowsAreRefused() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (path, before, xlsx) = try sampleWorkspace(in: dir)
        try templateWithoutLines(before, at: xlsx) { b in
            let k = b.staff.firstIndex { $0.unit == "121001" && $0.name == "一级科员" }!
            var other = b.staff[k]
            other.count = 1
            b.staff = [b.staff[k], other]
        }
        let found = problems { try importFile(xlsx, into: path) }
        #expect(found.map(\.rule) == [.staffAmbiguous])
        #expect(found.first?.location.file == "人员")
        #expect(found.first?.message.contains("--replace") == true)
        #expect(try Workspace.open(path).budget() == before)
    }

    @Test("bad cells in 参数, 标准 and 人员 are all reported at once with sheet, row, column and value; nothing changes")
    func badCellsAreReportedTogether() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.file("demo.budget").path
        let ws = try Workspace.create(at: path, budget: try demoBudget())
        let before = try ws.budget()
        var items = SheetBuilder()
        items.row(1, itemHeader)
        var parameters = SheetBuilder()
        parameters.row(1, ["i:单位", "i:参数名称", "i:数值", "i:备注"])
        parameters.row(2, ["i:080001", "i:在职人数", "i:二十三", nil])
        parameters.row(3, ["i:080001", "i:人数", "n:3", nil])
        parameters.row(4, ["i:999999", "i:面积", "n:1200", nil])
        var standards = SheetBuilder()
        standards.row(1, ["i:标准名称", "i:数值"])
        standards.row(2, ["i:比例", "i:-16%"])
        standards.row(3, ["i:比例", "i:16%"])
        var staff = SheetBuilder()
        staff.row(1, ["i:单位", "i:姓名", "i:类别", "i:人数", "i:岗位工资", "i:奖金(元)"])
        staff.row(2, ["i:080001", "i:科员", "i:在职", "i:2.5", "n:1000", nil])
        staff.row(3, ["i:080001", "i:科员", nil, "n:1", "i:abc", nil])
        let url = dir.file("bad.xlsx")
        try items.write(to: url, extra: [("参数", sheetXML(parameters.rows.joined())), ("标准", sheetXML(standards.rows.joined())),
                                         ("人员", sheetXML(staff.rows.joined()))])
        let found = problems { try importFile(url, into: path, replace: true) }
        let seen = Set(found.map { "\($0.location) \($0.rule)" })
        for expected in ["参数 第 2 行 列 C（数值） basis-value", "参数 第 3 行 列 B（参数名称） basis-bad-name",
                         "参数 第 4 行 列 A（单位） unknown-unit",
                         "标准 第 2 行 列 B（数值） basis-negative-value",
                         "人员 第 1 行 列 F（奖金(元)） basis-bad-name", "人员 第 2 行 列 D（人数） basis-staff-count",
                         "人员 第 3 行 列 C（类别） empty-value", "人员 第 3 行 列 E（岗位工资） amount"] {
            #expect(seen.contains(expected), "missing \(expected) in \(found.map(\.description))")
        }
        #expect(found.allSatisfy { $0.value != nil || $0.rule == .emptyValue || $0.rule == .unknownColumn }, "\(found)")
        #expect(try Workspace.open(path).budget() == before)
    }

    @Test("a roster sheet with more amount fields than the limit is refused, naming the limit")
    func rosterFieldLimit() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let cells = ["单位", "姓名", "类别", "人数"] + (1...(BasisLimits.staffFields + 1)).map { "字段\($0)" }
        var xml = "<row r=\"1\">"
        for (c, t) in cells.enumerated() { xml += "<c r=\"\(columnLetters(c))1\" t=\"inlineStr\"><is><t>\(t)</t></is></c>" }
        xml += "</row>"
        let url = dir.file("staff.xlsx")
        try makeZip(at: url, workbookParts(sheets: [("人员", sheetXML(xml))], sharedStrings: nil, styles: nil))
        var warnings: [Problem] = [], found = ProblemCollector()
        _ = try FileImporter.readStaff(url, warnings: &warnings, problems: &found)
        #expect(found.problems.map(\.rule) == [.basisLimit])
        #expect(found.problems.first?.message.contains(String(BasisLimits.staffFields)) == true)
    }
}
