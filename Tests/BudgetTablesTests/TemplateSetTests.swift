import BudgetCore
import BudgetExport
import BudgetTables
import BudgetXLSX
import Foundation
import Testing

/// A second, small template set (three tables with columns the Shanxi set does not have): adding a
/// province's set is adding files. And templates that are wrong are refused on load.
@Suite("Template sets")
struct TemplateSetTests {
    static let miniSet = """
    {"name": "测试用三表", "tables": ["a.json", "b.json", "c.json"],
     "measures": {"all": {}, "fiscal": {"source": ["财政拨款"]}, "other": {"source": ["财政专户管理资金", "单位资金"]},
                  "current": {"carryover": ["当年"]}, "carryover": {"carryover": ["上年结转"]},
                  "basic": {"kind": ["基本支出"]}, "project": {"kind": ["项目支出"]},
                  "personnel": {"nature": ["人员经费"]}, "public-use": {"nature": ["公用经费"]}}}
    """
    static let tableA = """
    {"key": "A", "label": "附表一", "title": "{year}年{department}支出分财政拨款表", "sheet": "附表一 财政拨款",
     "header": [["编码", "名称", "财政拨款", "其他资金", "其中：上年结转"]],
     "sides": [{"columns": [
        {"key": "code", "kind": "code", "field": "code", "width": 9},
        {"key": "name", "field": "name", "width": 20},
        {"key": "fiscal", "measure": "fiscal", "width": 12},
        {"key": "other", "measure": "other", "width": 12},
        {"key": "carry", "measure": "carryover", "width": 12}],
       "rows": {"source": "function-tree", "total": {"name": "总计"}}}]}
    """
    static let tableB = """
    {"key": "B", "label": "附表二", "title": "{year}年分单位支出表", "sheet": "附表二 分单位",
     "header": [["单位", "支出", "", ""], ["", "合计", "基本", "项目"]], "merges": ["A1:A2", "B1:D1"],
     "sides": [{"columns": [
        {"key": "unit", "field": "name", "width": 20},
        {"key": "total", "measure": "all", "width": 12},
        {"key": "basic", "measure": "basic", "width": 12},
        {"key": "project", "measure": "project", "width": 12}],
       "rows": {"source": "units", "total": {"unit": "合计"}}}]}
    """
    static let tableC = """
    {"key": "C", "label": "附表三", "title": "{year}年基本支出构成", "sheet": "附表三 基本支出", "filter": ["basic"],
     "header": [["项目", "当年", "上年结转"]],
     "sides": [{"columns": [
        {"key": "item", "width": 12},
        {"key": "current", "measure": "current", "width": 12},
        {"key": "carry", "measure": "carryover", "width": 12}],
       "rows": {"source": "fixed", "rows": [
          {"text": {"item": "人员经费"}, "node": "department", "measure": "personnel"},
          {"text": {"item": "公用经费"}, "node": "department", "measure": "public-use"}]}}]}
    """

    static func writeSet(_ files: [String: String]) throws -> URL {
        let dir = try Fixtures.tempDir("templates")
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir
    }

    static func mini(replacing: [String: String] = [:]) throws -> URL {
        var files = ["set.json": miniSet, "a.json": tableA, "b.json": tableB, "c.json": tableC]
        for (k, v) in replacing { files[k] = v }
        return try writeSet(files)
    }

    /// Σ of the demo's items matching a predicate, printed as the tables print it.
    static func printed(_ items: [LineItem], _ keep: (LineItem) -> Bool) -> String {
        Money(fen: items.filter(keep).reduce(0) { $0 + $1.amount.fen }).wanText
    }

    @Test("a second template set with other columns exports, figures summed from the items")
    func secondSetExports() throws {
        let dir = try Self.mini()
        defer { try? FileManager.default.removeItem(at: dir) }
        let set = try TableTemplateSet.load(dir)
        #expect(set.tables.map(\.key) == ["A", "B", "C"])
        let budget = try Fixtures.demoBudget()
        let out = dir.appendingPathComponent("mini.xlsx")
        _ = try DisclosureExport.run(budget: budget, templates: set, out: out)
        let reader = try XLSXReader(url: out)
        #expect(reader.sheets.map(\.name) == ["附表一 财政拨款", "附表二 分单位", "附表三 基本支出"])
        let items = budget.items

        let a = try PrintedSheet(reader, sheet: "附表一 财政拨款")
        #expect(a.text(row: 2, column: 1) == "2025年泽州县自然资源局支出分财政拨款表")
        let total = a.figureRows.first
        #expect(total?.first == "总计")
        #expect(total?.dropFirst().first == Self.printed(items) { $0.source.isFiscal })
        // 2200199 其他自然资源事务支出: fiscal column.
        let row = a.figureRows.first { $0.first == "2200199" }
        #expect(row?.count ?? 0 >= 3)
        #expect(row?[2] == Self.printed(items) { $0.function == "2200199" && $0.source.isFiscal })
        // The carry-over column holds only 224 地质灾害.
        let carried = a.figureRows.filter { $0.first?.hasPrefix("224") == true }
        #expect(carried.count == 3)
        #expect(carried.first?.last == Self.printed(items) { $0.carryover == .carriedOver })

        let b = try PrintedSheet(reader, sheet: "附表二 分单位")
        #expect(b.merges.contains { $0.reference == "A4:A5" } && b.merges.contains { $0.reference == "B4:D4" })
        #expect(b.figureRows.first == ["合计", Self.printed(items) { _ in true }, Self.printed(items) { $0.kind == .basic },
                                       Self.printed(items) { $0.kind == .project }])

        let c = try PrintedSheet(reader, sheet: "附表三 基本支出")
        #expect(c.figureRows == [
            ["人员经费", Self.printed(items) { $0.kind == .basic && $0.carryover == .currentYear && CostNature(economic: $0.economic) == .personnel }],
            ["公用经费", Self.printed(items) { $0.kind == .basic && $0.carryover == .currentYear && CostNature(economic: $0.economic) == .publicUse }],
        ])
    }

    /// Loads a set expected to fail and returns the messages.
    static func refusal(_ replacing: [String: String]) throws -> [TemplateError.Problem] {
        let dir = try Self.mini(replacing: replacing)
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            _ = try TableTemplateSet.load(dir)
            return []
        } catch {
            return error.problems
        }
    }

    @Test("an unknown measure is refused with the file and the name")
    func unknownMeasure() throws {
        let p = try Self.refusal(["b.json": Self.tableB.replacingOccurrences(of: "\"measure\": \"basic\"", with: "\"measure\": \"basci\"")])
        #expect(p.count == 1, "\(p.map(\.message))")
        #expect(p.first?.file.hasSuffix("b.json") == true)
        #expect(p.first?.message.contains("未定义的口径 `basci`") == true)
    }

    @Test("overlapping merges are refused")
    func overlappingMerges() throws {
        let p = try Self.refusal(["b.json": Self.tableB.replacingOccurrences(of: "\"merges\": [\"A1:A2\", \"B1:D1\"]", with: "\"merges\": [\"A1:A2\", \"A1:D1\"]")])
        #expect(p.contains { $0.file.hasSuffix("b.json") && $0.message.contains("`A1:D1` 与 `A1:A2` 重叠") })
    }

    @Test("a merge outside the header, a text to a missing column and a short header row are refused, all at once")
    func missingColumns() throws {
        let c = Self.tableC.replacingOccurrences(of: "{\"item\": \"公用经费\"}", with: "{\"itme\": \"公用经费\"}")
        let a = Self.tableA.replacingOccurrences(of: "\"其中：上年结转\"]]", with: "\"其中：上年结转\"]], \"merges\": [\"E1:F1\"]")
        let b = Self.tableB.replacingOccurrences(of: "[\"\", \"合计\", \"基本\", \"项目\"]", with: "[\"\", \"合计\", \"基本\"]")
        let p = try Self.refusal(["a.json": a, "b.json": b, "c.json": c])
        #expect(p.contains { $0.file.hasSuffix("a.json") && $0.message.contains("`E1:F1` 超出表头") })
        #expect(p.contains { $0.file.hasSuffix("b.json") && $0.message.contains("有 3 格，但表格有 4 列") })
        #expect(p.contains { $0.file.hasSuffix("c.json") && $0.message.contains("不存在的文字列 `itme`") })
    }

    @Test("an unknown source value and a broken JSON file are refused with the file")
    func badDefinitions() throws {
        let set = Self.miniSet.replacingOccurrences(of: "\"单位资金\"]", with: "\"单位资金\", \"自筹\"]")
        let p = try Self.refusal(["set.json": set, "c.json": "{ not json"])
        #expect(p.contains { $0.file.hasSuffix("set.json") && $0.message.contains("未知的资金来源 `自筹`") })
        #expect(p.contains { $0.file.hasSuffix("c.json") && $0.message.contains("不是合法的 JSON") })
    }

    @Test("the Shanxi set loads: 13 tables, T1 … T13, sheet names within Excel's limit")
    func shanxiSetLoads() throws {
        let set = try TableTemplateSet.load(Fixtures.templates)
        #expect(set.tables.map(\.key) == (1...13).map { "T\($0)" })
        #expect(set.tables.allSatisfy { $0.sheet.count <= 31 })
    }
}
