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
            discussion: "有错误时退出码为 1，只有警告或提示时为 0。规则随公开表模板集（Templates/tables/<模板集>/rules.json），说明见 docs/rules.md。")

        @OptionGroup var ws: WorkspaceArgument
        @Option(help: "上年预算：工作区文件，或工作簿文件夹（用于“三公”经费不高于上年等规则）") var prior: String?
        @Flag(help: ArgumentHelp(forcePriorHelp)) var force = false
        @Flag(help: "以 JSON 输出，供其他程序使用") var json = false
        @Option(help: "规则文件（默认为所选模板集的规则，见 --tables）") var rules: String?
        @OptionGroup var tableSet: TableSetOptions

        func run() throws {
            var failed = false
            try runReporting {
                // The data rules read the lines; the tables read the kept subtotals.
                let (budget, stored, rollup) = try ws.open().budgetWithItemsAndKeptRollup()
                let priorBudget = try prior.map(loadBudget)
                if let priorBudget { try checkPriorYear(current: .init(budget), prior: .init(priorBudget), force: force) }
                let templates = try tableSet.load(for: budget)
                let ruleSet = try TableSetOptions.rules(for: templates, file: rules)
                let built = TableBuilder(budget: budget, rollup: rollup).build(templates)
                let ctx = CheckContext(budget: budget, tables: built, itemIDs: stored.map(\.id), prior: priorBudget, rollup: rollup)
                let report = Checker(rules: ruleSet).run(ctx)
                if json {
                    print(String(decoding: try report.json(), as: UTF8.self))
                } else {
                    print(report.renderText(words: TableWords(tables: built)), terminator: "")
                }
                failed = report.hasErrors
            }
            if failed { throw ExitCode.failure }
        }
    }
}
