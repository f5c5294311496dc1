import ArgumentParser
import BudgetCore
import BudgetStore

extension TreeView.Tree: ExpressibleByArgument {}
extension TreeView.Columns: ExpressibleByArgument {}

extension BudgetCommand {
    struct Tree: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "在终端显示汇总树（万元）。")

        @OptionGroup var ws: WorkspaceArgument
        @Option(help: "按功能分类（function）或经济分类（economic）汇总") var by: TreeView.Tree = .function
        @Option(help: "列：kinds（合计/基本/项目）、sources（资金来源）、years（当年/上年结转）") var columns: TreeView.Columns = .kinds
        @Option(help: "只看一个单位（单位编码）") var unit: String?

        func run() throws {
            try runReporting {
                let budget = try ws.open().budget()
                let rollup = Rollup(budget: budget)
                print("\(budget.department) \(budget.year) 年  按\(by == .function ? "支出功能分类" : "部门预算支出经济分类")汇总\(unit.map { "  单位 \($0)" } ?? "")")
                print(TreeView(rollup: rollup, codes: budget.codes, tree: by, columns: columns, unit: unit).render(), terminator: "")
            }
        }
    }
}
