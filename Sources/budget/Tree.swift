import ArgumentParser
import BudgetCore
import BudgetStore

extension BudgetCommand {
    struct Tree: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "在终端显示汇总树（万元）。")

        @OptionGroup var ws: WorkspaceArgument
        @Option(help: TreeView.Tree.optionHelp("按哪种分类汇总")) var by: TreeView.Tree = .function
        @Option(help: TreeView.Columns.optionHelp("列（合计/基本/项目、各资金来源或当年/上年结转）"))
        var columns: TreeView.Columns = .kinds
        @Option(help: "只看一个单位（单位编码；只能按功能分类汇总）") var unit: String?

        func validate() throws {
            // The roll-up keeps unit × function sums, not unit × economic: an economic tree of one
            // unit would print the department's rows under the unit's total.
            if unit != nil, by == .economic { throw ValidationError("--unit 只能与 --by function 一起用：经济分类没有分单位的汇总") }
        }

        func run() throws {
            try runReporting {
                // The kept subtotals: O(nodes), whatever the number of lines.
                let (budget, rollup) = try ws.open().budgetWithKeptRollup()
                if let unit, !budget.units.contains(where: { $0.code == unit }) { throw unknownUnit(unit, in: budget.units) }
                print("\(budget.department) \(budget.year) 年  按\(by == .function ? "支出功能分类" : "部门预算支出经济分类")汇总\(unit.map { "  单位 \($0)" } ?? "")")
                print(TreeView(rollup: rollup, codes: budget.codes, tree: by, columns: columns, unit: unit).render(), terminator: "")
            }
        }
    }
}
