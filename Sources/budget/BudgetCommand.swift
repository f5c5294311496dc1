import ArgumentParser
import BudgetChecks
import BudgetCore
import BudgetStore
import BudgetWorkbook
import Foundation

/// `budget`: the command line of the budget preparation workbench.
@main
struct BudgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budget",
        abstract: "部门预算编制工作台：明细录入、精确汇总、十三张公开表、勾稽审核。",
        discussion: """
        数据目录（Templates/、Workbooks/）在项目目录中自动找到；安装到别处时设置环境变量 \(ResourceRoot.environmentVariable)。
        """,
        subcommands: [Init.self, Load.self, Save.self, Demo.self, Tree.self, Items.self, Item.self, Param.self, StandardCommand.self, Staff.self, Explain.self, Codes.self, ImportItems.self, Template.self, Bench.self, Check.self, Verify.self, Compare.self, Narrative.self, Export.self, Publish.self, Serve.self, SyntheticWorkspace.self]
    )
}

/// The workspace argument every command on a workspace takes.
struct WorkspaceArgument: ParsableArguments {
    @Argument(help: "工作区文件（SQLite），例如 demo/zezhou-2025.budget")
    var workspace: String

    func open() throws -> Workspace { try Workspace.open(workspace) }
}

/// The prior year's budget (`--prior`), for the comparison and the narrative.
struct PriorArgument: ParsableArguments {
    @Option(help: "上年预算：工作区文件，或工作簿文件夹") var prior: String
    @Flag(help: ArgumentHelp(forcePriorHelp)) var force = false

    /// The prior year of `current`, refused when it is not year − 1 of the same department
    /// (`PriorYearRule`) unless `--force` allows it.
    func load(for current: Budget) throws -> Budget {
        let p = try loadBudget(prior)
        try checkPriorYear(current: .init(current), prior: .init(p), force: force)
        return p
    }

    /// `load`, for a reader of figures: the prior year's budget without its lines when it is a
    /// workspace, with its roll-up (`loadBudgetFigures`).
    func loadFigures(for current: Budget) throws -> (budget: Budget, rollup: Rollup) {
        let p = try loadBudgetFigures(prior)
        try checkPriorYear(current: .init(current), prior: .init(p.budget), force: force)
        return p
    }
}

let forcePriorHelp = "--prior 不是上一年（更早的年度）或不是同一部门时仍然对比（同年或以后的年度不行）"

/// Refuses a prior year that is not year − 1 of the same department (`PriorYearRule`); with
/// `--force`, an older year or another department passes with a note on standard error.
func checkPriorYear(current: PriorYearRule.Identity, prior: PriorYearRule.Identity, force: Bool) throws {
    if let m = PriorYearRule.check(current: current, prior: prior, force: force) { throw ValidationError(m.description) }
    if force, let m = PriorYearRule.check(current: current, prior: prior) {
        var stderr = StandardError()
        print("注意：" + m.reasons.joined(separator: "；") + "（已按 --force 对比）", to: &stderr)
    }
}

/// An output file that is an Excel workbook must be named `.xlsx`: a `.txt` name would hold an XLSX
/// that no editor opens as text and Excel does not recognise.
func requireXLSX(_ path: String, option: String) throws {
    if !path.lowercased().hasSuffix(".xlsx") {
        throw ValidationError("\(option) 应为 .xlsx 文件（写出的是 Excel 工作簿），例如 公开表.xlsx：\(path)")
    }
}

/// Who a change is logged under when `--author` is not given: the login name.
let defaultAuthor = ProcessInfo.processInfo.environment["USER"] ?? "cli"

/// Prints an error a clerk understands and exits non-zero, instead of a stack of Swift types.
func reportFailure(_ error: any Error) -> ExitCode {
    var stderr = StandardError()
    print("错误：\(namingColumns(error))", to: &stderr)
    return ExitCode.failure
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}

/// The default code sets from Templates/codes.
func defaultCodes() throws -> CodeBook {
    try CodeLists.loadDefaults(codesFolder: try ResourceRoot.locate().codes)
}

/// Runs a command body, turning failures into a clean message and exit status 1.
func runReporting(_ body: () throws -> Void) throws {
    do { try body() } catch let e as ExitCode { throw e } catch let e as ValidationError { throw e } catch {
        throw reportFailure(error)
    }
}
