import BudgetChecks
import BudgetCore
import BudgetTables
import BudgetWorkbook
import Foundation

/// The repository root (Templates/, Workbooks/), found from this file.
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let templates = repoRoot.appendingPathComponent("Templates")

enum Fixtures {
    static func defaults() throws -> CodeBook { try CodeLists.loadDefaults(codesFolder: templates.appendingPathComponent("codes")) }

    static func workbook(_ name: String) throws -> Budget {
        try WorkbookFolder.read(repoRoot.appendingPathComponent("Workbooks/\(name)"), defaults: try defaults())
    }

    /// The seed budget (泽州县自然资源局 2025) and its prior year.
    static func demo() throws -> Budget { try workbook("zezhou-natural-resources-2025") }
    static func demoPrior() throws -> Budget { try workbook("zezhou-natural-resources-2024") }

    static func rules() throws -> RuleSet { try RuleSet.load(templates.appendingPathComponent("tables/shanxi-2025/rules.json")) }

    static func tables(_ b: Budget) throws -> [DisclosureTable] {
        let set = try TableTemplateSet.load(templates.appendingPathComponent("tables/shanxi-2025"))
        return TableBuilder(budget: b, rollup: Rollup(budget: b)).build(set)
    }

    /// Runs the shipped rules on a budget, with its tables built by the real builder unless given.
    static func check(_ b: Budget, tables: [DisclosureTable]? = nil, prior: Budget? = nil) throws -> CheckReport {
        let ctx = CheckContext(budget: b, tables: try tables ?? Fixtures.tables(b), prior: prior)
        return Checker(rules: try rules(), limitPerRule: 200).run(ctx)
    }
}

extension CheckReport {
    /// Findings of a rule at warning or error level (printed-rounding info excluded).
    func serious(_ rule: String) -> [Finding] { findings.filter { $0.rule == rule && $0.severity != .info } }
    func all(_ rule: String) -> [Finding] { findings.filter { $0.rule == rule } }
}

extension Array where Element == DisclosureTable {
    /// A hand-edited copy: one cell moved by `delta` 分 (a blank cell becomes an amount).
    func editing(_ key: String, row: String, column: String, by delta: Int64) -> [DisclosureTable]? {
        var out = self
        guard let t = out.firstIndex(where: { $0.key == key }),
              let c = out[t].columns.firstIndex(where: { $0.key == column }),
              let r = out[t].rows.firstIndex(where: { $0.keys.contains(row) }) else { return nil }
        let old = out[t].rows[r].cells[c].money ?? .zero
        out[t].rows[r].cells[c] = .amount(Money(fen: old.fen + delta))
        return out
    }
}
