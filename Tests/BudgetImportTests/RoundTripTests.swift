import BudgetCore
import BudgetImport
import BudgetStore
import BudgetWorkbook
import BudgetXLSX
import Foundation
import Testing
import ZIPFoundation

/// The "done when": template → import into an empty workspace → save gives the demo back.
@Suite struct RoundTripTests {
    @Test func templateOfTheDemoImportsIntoAnEmptyWorkspaceAndSavesTheDemoFolderByteForByte() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let demo = try demoBudget()
        let demoWS = try Workspace.create(at: dir.file("demo.budget").path, budget: demo)
        let xlsx = dir.file("input.xlsx")
        try InputTemplate.write(try demoWS.budget(), to: xlsx)

        // `budget init` with the demo's department and year, then `budget import`.
        _ = try emptyWorkspace(dir, name: "new.budget", like: demo)
        let (ws, file) = try importFile(xlsx, into: dir.file("new.budget").path)
        #expect(file.items.count == demo.items.count)
        #expect(file.warnings.isEmpty)

        // `budget save`, then compare every file with the demo folder.
        let out = dir.file("saved")
        try WorkbookFolder.write(try ws.budget(), to: out)
        // The disclosure files (docs/workbook-folder.md, "Disclosure files") are read by `budget
        // publish`; `budget save` does not write them yet.
        let disclosure: Set = ["performance-targets.csv", "indicators.csv", "procurement.csv", "assets.csv", "texts"]
        let expected = try FileManager.default.contentsOfDirectory(atPath: demoFolder.path).filter { !disclosure.contains($0) }.sorted()
        let actual = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(actual == expected)
        for name in expected {
            let a = try Data(contentsOf: out.appendingPathComponent(name))
            let b = try Data(contentsOf: demoFolder.appendingPathComponent(name))
            #expect(a == b, "\(name) differs after the round trip")
        }
    }

    /// Template → `import --replace` once turned every computed line into a typed amount, silently.
    @Test("a budget drafted from its basis keeps every basis and amount through template → import --replace")
    func basisSurvivesTheTemplate() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let sample = try WorkbookFolder.read(repoRoot.appendingPathComponent("Workbooks/shifan-agriculture-2026"), defaults: try defaultCodes())
        #expect(sample.items.contains { $0.basis != nil })
        let path = dir.file("sample.budget").path
        let ws = try Workspace.create(at: path, budget: sample)
        let before = try ws.budget().items.map { [$0.basis ?? "", String($0.amount.fen)] }
        let xlsx = dir.file("input.xlsx")
        try InputTemplate.write(try ws.budget(), to: xlsx)
        let (after, file) = try importFile(xlsx, into: path, replace: true)
        #expect(file.problems.problems.isEmpty && file.warnings.isEmpty, "\(file.problems.problems) \(file.warnings)")
        #expect(try after.budget().items.map { [$0.basis ?? "", String($0.amount.fen)] } == before)
    }

    @Test func templateIsDeterministic() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let demo = try demoBudget()
        try InputTemplate.write(demo, to: dir.file("a.xlsx"))
        try InputTemplate.write(demo, to: dir.file("b.xlsx"))
        #expect(try Data(contentsOf: dir.file("a.xlsx")) == Data(contentsOf: dir.file("b.xlsx")))
        // No temporary file left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted() == ["a.xlsx", "b.xlsx"])
    }

    /// What a clerk sees in the template: the sheets, Chinese headers, labelled codes, amounts,
    /// drop-downs from the hidden list sheet.
    @Test func templateHasSheetsHeadersListsAndTheCurrentItems() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let demo = try demoBudget()
        let url = dir.file("input.xlsx")
        try InputTemplate.write(demo, to: url)
        let reader = try XLSXReader(url: url)
        #expect(reader.sheets.map(\.name) == ["说明", "单位", "项目", "支出明细", "收入", "参数", "标准", "人员", "列表"])
        #expect(reader.sheets.first { $0.name == "列表" }?.state == .hidden)
        #expect(reader.sheets.filter { $0.name != "列表" }.allSatisfy { $0.state == .visible })

        let items = try reader.rows(sheet: "支出明细")
        #expect(items[0].cells.map(\.value) == ["单位", "功能科目", "经济科目", "资金来源", "上年结转", "支出类型", "项目", "金额",
                                                 "政府经济科目", "备注", "测算依据"].map { XLSXValue.string($0) })
        #expect(items.count == demo.items.count + 1)
        let first = items[1]
        #expect(first.value(at: 0) == .string("080001 泽州县自然资源局"))
        #expect(first.value(at: 1).stringValue?.hasPrefix("2080501 ") == true)
        #expect(first.value(at: 7) == .number("1044950"))
        let lists = try reader.rows(sheet: "列表")
        #expect(lists[0].cells.map(\.value).contains(.string("功能科目")))
        #expect(lists.contains { $0.value(at: 5).stringValue == "2080501 行政单位离退休" })
        #expect(try reader.rows(sheet: "单位").count == 2)
        #expect(try reader.rows(sheet: "项目").count == 8)
        #expect(try reader.rows(sheet: "收入")[1].value(at: 2) == .number("75000000"))
        let info = try reader.rows(sheet: "说明").compactMap { $0.value(at: 1).stringValue }.joined()
        #expect(info.contains("budget import"))

        // Drop-downs: unit, the code columns, source, carryover, kind and project on 支出明细.
        let sheetXML = try zipText(url, "xl/worksheets/sheet4.xml")
        for col in ["A", "B", "C", "D", "E", "F", "G", "I"] {
            #expect(sheetXML.contains("sqref=\"\(col)2:\(col)1048576\""), "no drop-down on column \(col)")
        }
        #expect(sheetXML.contains("<formula1>'列表'!$F$2:$F$"))
        // Code columns let a bare code through (Excel asks, 是 keeps it); source, carryover and kind refuse others.
        let validations = sheetXML.components(separatedBy: "<dataValidation ").dropFirst()
        func style(_ col: String) -> String? {
            guard let v = validations.first(where: { $0.contains("sqref=\"\(col)2:") }) else { return nil }
            return v.contains("errorStyle=\"warning\"") ? "warning" : v.contains("errorStyle=") ? "other" : "stop"
        }
        #expect(["A", "B", "C", "G", "I"].map(style) == Array(repeating: "warning", count: 5))
        #expect(["D", "E", "F"].map(style) == ["stop", "stop", "stop"])
    }

    @Test func replaceReplacesAndDefaultAdds() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let demo = try demoBudget()
        let path = dir.file("demo.budget").path
        try Workspace.create(at: path, budget: demo)
        let url = dir.file("input.xlsx")
        try InputTemplate.write(demo, to: url)
        try importFile(url, into: path)
        #expect(try Workspace.open(path).budget().items.count == 2 * demo.items.count)
        try importFile(url, into: path, replace: true)
        let after = try Workspace.open(path).budget()
        #expect(after.items.sorted(by: LineItem.canonicalOrder) == demo.items.sorted(by: LineItem.canonicalOrder))
    }

    @Test func unitsAndProjectsNewInTheSheetsAreAddedWithTheirLines() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var (demo, path) = try demoWorkspace(in: dir)
        demo.units.append(BudgetUnit(code: "080002", name: "泽州县不动产登记中心", type: .institution))
        demo.projects.append(Project(code: "P21", unit: "080002", name: "不动产登记数据整合", category: .specificGoal))
        demo.items.append(LineItem(unit: "080002", function: "2200101", economic: "30201", kind: .project, project: "P21",
                                   amount: Money(fen: 12_345_600)))
        let url = dir.file("input.xlsx")
        try InputTemplate.write(demo, to: url)
        try importFile(url, into: path, replace: true)
        let after = try Workspace.open(path).budget()
        #expect(after.units == demo.units)
        #expect(after.projects.sorted { ($0.unit, $0.code) < ($1.unit, $1.code) } == demo.projects.sorted { ($0.unit, $0.code) < ($1.unit, $1.code) })
        #expect(after.items.sorted(by: LineItem.canonicalOrder) == demo.items.sorted(by: LineItem.canonicalOrder))
        #expect(Rollup(budget: after).total(.unit("080002")).fen == 12_345_600)
    }

    @Test func aUnitThatDiffersIsRefusedAndNothingChanges() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var (demo, path) = try demoWorkspace(in: dir)
        let before = try Workspace.open(path).budget()
        demo.units[0].type = .institution
        demo.units.append(BudgetUnit(code: "080002", name: "新单位", type: .institution))
        let url = dir.file("input.xlsx")
        try InputTemplate.write(demo, to: url)
        let found = problems { try importFile(url, into: path, replace: true) }
        #expect(found.map(\.rule) == [.unitDiffers])
        #expect(found.first?.location.description == "单位 第 2 行 列 B（单位名称）")
        #expect(try Workspace.open(path).budget() == before)
    }

    @Test func theRevenueSheetReplacesRevenueOnlyWithReplace() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var (demo, path) = try demoWorkspace(in: dir)
        let before = try Workspace.open(path).budget()
        demo.revenue.append(RevenueLine(source: .governmentFund, code: try #require(demo.revenue.first?.code), amount: Money(fen: 500_000)))
        let url = dir.file("input.xlsx")
        try InputTemplate.write(demo, to: url)
        let found = problems { try importFile(url, into: path) }
        #expect(found.map(\.rule) == [.revenueDiffers])
        #expect(try Workspace.open(path).budget() == before)
        try importFile(url, into: path, replace: true)
        let after = try Workspace.open(path).budget()
        #expect(after.revenue.sorted(by: RevenueLine.canonicalOrder) == demo.revenue.sorted(by: RevenueLine.canonicalOrder))
    }
}

/// The demo budget and a workspace holding it, in `dir`.
func demoWorkspace(in dir: TempDir) throws -> (Budget, String) {
    let demo = try demoBudget()
    let path = dir.file("demo.budget").path
    try Workspace.create(at: path, budget: demo)
    return (demo, path)
}

/// One part of a zip as text, read with ZIPFoundation.
func zipText(_ url: URL, _ path: String) throws -> String {
    let archive = try Archive(url: url, accessMode: .read)
    guard let entry = archive[path] else { return "" }
    var data = Data()
    _ = try archive.extract(entry) { data.append($0) }
    return String(decoding: data, as: UTF8.self)
}
