import ArgumentParser
import BudgetChecks
import BudgetCore
import BudgetStore
import BudgetTables
import BudgetWorkbook
import Foundation

extension BudgetCommand {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "勾稽审核：按规则集检查明细数据、表内平衡和表间勾稽关系。",
            discussion: "有错误时退出码为 1，只有警告或提示时为 0。规则在 Templates/rules/ 中（按省份和年度）。")

        @OptionGroup var ws: WorkspaceArgument
        @Option(help: "上年预算：工作区文件，或工作簿文件夹（用于“三公”经费不高于上年等规则）") var prior: String?
        @Flag(help: ArgumentHelp(forcePriorHelp)) var force = false
        @Flag(help: "以 JSON 输出，供其他程序使用") var json = false
        @Option(help: "规则文件（默认 Templates/rules/shanxi-2025.json）") var rules: String?
        @Option(help: "公开表模板文件夹（默认 Templates/tables/shanxi-2025）") var tables: String?

        func run() throws {
            var failed = false
            try runReporting {
                let ruleSet = try loadRules(rules)
                let (budget, stored) = try ws.open().budgetWithItems()
                let priorBudget = try prior.map(loadBudget)
                if let priorBudget { try checkPriorYear(current: .init(budget), prior: .init(priorBudget), force: force) }
                let templates = try loadTemplates(tables)
                let rollup = Rollup(budget: budget)
                let built = TableBuilder(budget: budget, rollup: rollup).build(templates)
                let ctx = CheckContext(budget: budget, tables: built, itemIDs: stored.map(\.id), prior: priorBudget, rollup: rollup)
                let report = Checker(rules: ruleSet).run(ctx)
                if json {
                    print(String(decoding: try report.json(), as: UTF8.self))
                } else {
                    print(report.renderText(), terminator: "")
                }
                failed = report.hasErrors
            }
            if failed { throw ExitCode.failure }
        }
    }
}
