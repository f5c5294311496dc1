import ArgumentParser
import BudgetCore
import BudgetStore
import Foundation

extension BudgetCommand {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "新建一个空工作区（带默认科目）。")

        @OptionGroup var ws: WorkspaceArgument
        @Option(help: "部门名称") var department: String
        @Option(help: "预算年度") var year: Int
        @Option(help: "部门编码") var departmentCode: String = ""
        @Flag(help: "覆盖已存在的工作区") var force = false

        func run() throws {
            try runReporting {
                guard (2000...2100).contains(year) else { throw ValidationError("年度 \(year) 不对，应为 2000 到 2100 之间") }
                if FileManager.default.fileExists(atPath: ws.workspace), !force {
                    throw ValidationError("工作区 \(ws.workspace) 已存在；要覆盖请加 --force")
                }
                let budget = Budget(department: department, departmentCode: departmentCode, year: year, codes: try defaultCodes())
                try Workspace.create(at: ws.workspace, budget: budget)
                print("已建立空工作区 \(ws.workspace)：\(department) \(year) 年")
            }
        }
    }
}
