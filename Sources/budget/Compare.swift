import ArgumentParser
import BudgetChecks
import BudgetCore
import BudgetStore
import BudgetTables
import BudgetWorkbook
import Foundation

/// A budget from a workspace file or a workbook folder (a directory).
func loadBudget(_ path: String) throws -> Budget {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
        throw ValidationError("找不到 \(path)：应为工作区文件（.budget）或工作簿文件夹")
    }
    if isDir.boolValue { return try WorkbookFolder.read(URL(fileURLWithPath: path), defaults: try defaultCodes()) }
    return try Workspace.open(path).budget()
}

/// A budget and its roll-up, for a reader of figures only: a workspace's kept subtotals without
/// its lines (O(nodes)); a folder's lines rolled up.
func loadBudgetFigures(_ path: String) throws -> (budget: Budget, rollup: Rollup) {
    var isDir: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
        return try Workspace.open(path).budgetWithKeptRollup()
    }
    let b = try loadBudget(path)
    return (b, Rollup(budget: b))
}

extension BudgetCommand {
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "与上年预算对比：上年数、本年数、增减额、增减率。",
            discussion: "按总计、资金来源、基本/项目、功能分类类款项、基本支出经济分类、“三公”经费、机关运行经费对比。")

        @OptionGroup var ws: WorkspaceArgument
        @OptionGroup var prior: PriorArgument
        @Option(help: "另存为 XLSX 文件") var out: String?
        @Option(parsing: .unconditional, help: "功能分类类增减超过这个百分比时警告") var threshold = 50
        @OptionGroup var tableSet: TableSetOptions

        func validate() throws {
            if threshold < 0 { throw ValidationError("--threshold 不能为负数：\(threshold)") }
            if let out { try requireXLSX(out, option: "--out") }
        }

        func run() throws {
            try runReporting {
                // Both years' figures: a workspace's kept subtotals, without reading its lines.
                let (current, rollup) = try ws.open().budgetWithKeptRollup()
                let (priorBudget, priorRollup) = try prior.loadFigures(for: current)
                let set = try tableSet.load(for: current)
                let cmp = PriorComparison(current: current, prior: priorBudget, thresholdPercent: threshold,
                                          rollups: (rollup, priorRollup))
                print(cmp.renderText(), terminator: "")
                print("\n" + Self.whereShown(set))
                if let out {
                    try cmp.writeXLSX(to: out)
                    print("\n已写入 \(out)")
                }
            }
        }

        /// Which of the chosen set's tables prints each compared quantity.
        static func whereShown(_ set: TableTemplateSet) -> String {
            let c = set.citations
            func t(_ role: String) -> String { c[role].map { "见\($0)" } ?? "（本模板集无此表）" }
            return "公开表（\(set.id)）：收支总计\(t("income-expenditure"))，资金来源\(t("income"))，基本支出与项目支出及功能分类\(t("expenditure"))，"
                + "基本支出经济分类\(t("basic-economic"))，“三公”经费\(t("three-public"))，机关运行经费\(t("organ-operation"))"
        }
    }
}
