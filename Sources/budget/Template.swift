import ArgumentParser
import BudgetCore
import BudgetImport
import BudgetStore
import Foundation

extension BudgetCommand {
    struct Template: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "生成录入用的 Excel 工作簿（单位、项目、支出明细、收入、参数、标准、人员，带下拉列表和填写说明，已填入工作区的当前内容）。",
            discussion: "填好后用 budget import 导入。同一工作区两次生成的文件逐字节相同。")

        @OptionGroup var ws: WorkspaceArgument
        @Option(help: "输出的 .xlsx 文件") var out: String

        func validate() throws { try requireXLSX(out, option: "--out") }

        func run() throws {
            try runReporting {
                let budget = try ws.open().budget()
                try InputTemplate.write(budget, to: URL(fileURLWithPath: out))
                print("已写出录入表 \(out)：\(budget.units.count) 个单位，\(budget.projects.count) 个项目，\(budget.items.count) 条支出明细，\(budget.revenue.count) 条收入，\(budget.parameters.count) 个参数，\(budget.standards.count) 个标准，\(budget.staff.count) 行人员信息")
            }
        }
    }
}
