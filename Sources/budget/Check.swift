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
                // The tables read the kept subtotals; the data rules read only the lines they list
                // (the rest are counted from the kept subtotals), in the same read.
                let priorBudget = try prior.map(loadBudget)
                let (report, built) = try ws.open().readingFigures { read in
                    let budget = read.budget
                    if let priorBudget { try checkPriorYear(current: .init(budget), prior: .init(priorBudget), force: force) }
                    let templates = try tableSet.load(for: budget)
                    let ruleSet = try TableSetOptions.rules(for: templates, file: rules)
                    let built = TableBuilder(budget: budget, rollup: read.rollup).build(templates)
                    let ctx = CheckContext(budget: budget, tables: built, prior: priorBudget, rollup: read.rollup)
                    return (Checker(rules: ruleSet).run(ctx, lines: read.lines), built)
                }
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
