import BudgetChecks
import BudgetCore
import BudgetExport
import BudgetTables
import BudgetWorkbook
import Foundation
import Hummingbird

/// Where the workbench calls the other modules: the checks (勾稽审核), the exporter and the narrative.
/// The table set (`budget serve --tables`) and its rules are read on each call, so a template fixed
/// while the server runs is used at once; the set is chosen when the server starts, never by the browser.
enum Integrations {
    static let checksAvailable = true
    static let exportAvailable = true
    static let narrativeAvailable = true

    /// The set at `folder`, or the default set (Templates/tables/<default>).
    static func templates(_ folder: URL?) throws -> TableTemplateSet {
        do {
            let url = try folder ?? TableSetCatalog(folder: ResourceRoot.locate().templates.appendingPathComponent("tables"))
                .locate(TableSetCatalog.defaultName)
            return try TableTemplateSet.load(url)
        } catch { throw APIError(.internalServerError, "找不到公开表模板：\(error)") }
    }

    /// The rules of the set (set.json `rules`), checked against its templates.
    static func rules(_ set: TableTemplateSet) throws -> RuleSet {
        do { return try RuleSet.load(for: set) } catch { throw APIError(.internalServerError, "找不到审核规则：\(error)") }
    }

    /// The checks panel: every rule of the rule set (data rules, footings, cross-table rules, the prior
    /// year when given), grouped, in the tables' words, each finding with its lines or its table cell.
    static func checks(_ workbench: Workbench, tableSet: URL?) async throws -> API.Checks {
        let s = try await workbench.snapshot()
        let set = try templates(tableSet)
        let tables = TableBuilder(budget: s.budget, rollup: s.rollup).build(set)
        let ctx = CheckContext(budget: s.budget, tables: tables, itemIDs: s.ids, prior: s.prior, rollup: s.rollup,
                               priorRollup: s.priorRollup)
        let report = Checker(rules: try rules(set)).run(ctx)
        return FindingView(cells: TableCells(templates: set, tables: tables, budget: s.budget), budget: s.budget, ids: s.ids).render(report)
    }

    /// The set's tables as printed (万元), for the tables view and the print view.
    static func tables(_ workbench: Workbench, tableSet: URL?) async throws -> [API.PrintedTable] {
        let set = try templates(tableSet)
        return try await workbench.withState { rollup, context, _, _ in
            TableCells(templates: set, tables: TableBuilder(budget: context, rollup: rollup).build(set), budget: context).page()
        }
    }

    /// "This line counts in that table cell", from a cell's address (`T3|function:208|total`).
    static func cellLines(_ address: String, context: Budget, tableSet: URL?) throws -> @Sendable (LineItem) -> Bool {
        guard let match = TableCells(templates: try templates(tableSet), tables: [], budget: context).lines(address) else {
            throw APIError(.badRequest, "公开表格子 `\(address)` 不是由支出明细组成的（或不存在）")
        }
        return match
    }

    /// The set's tables as one XLSX, written to a private temporary file and read back.
    static func export(_ workbench: Workbench, tableSet: URL?) async throws -> (Data, String) {
        let set = try templates(tableSet)
        // The tables read only the roll-up and the budget's codes and units: no copy of the lines.
        let (tables, context) = try await workbench.withState { rollup, context, _, _ in
            (TableBuilder(budget: context, rollup: rollup).build(set), context)
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("budget-serve-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let out = dir.appendingPathComponent("export.xlsx")
            try TableExporter.write(tables, to: out)
            let data = try Data(contentsOf: out)
            return (data, "\(context.department)\(context.year)年部门预算公开表.xlsx")
        } catch let e as APIError { throw e } catch {
            throw APIError(.internalServerError, "导出失败：\(error)")
        }
    }

    /// 部门预算情况说明, compared with the prior year (needs `--prior`).
    static func narrative(_ workbench: Workbench) async throws -> String {
        try await workbench.withState { rollup, context, priorRollup, prior in
            guard let prior, let priorRollup else {
                throw APIError(.unprocessableContent, "生成说明需要上年预算：启动时加上 --prior 上年工作区，例如 budget serve 2025.budget --prior 2024.budget")
            }
            return Narrative(current: context, prior: prior, rollups: (rollup, priorRollup)).renderText(withSources: false)
        }
    }
}
