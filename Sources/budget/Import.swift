import ArgumentParser
import BudgetCore
import BudgetImport
import BudgetStore
import BudgetWorkbook
import Foundation

extension BudgetCommand {
    struct ImportItems: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "从 XLSX 或 CSV 导入支出明细（budget template 生成的录入表，或任何表头写明列名的表）。",
            discussion: """
            表头可用中文（单位、功能科目、经济科目、资金来源、上年结转、支出类型、项目、金额、政府经济科目、备注）或工作簿文件夹的英文列名。CSV 文件与 budget load 读 items.csv 的规则相同：表头在第一行，每一列都必须是已知的列；XLSX 工作表的表头可在前 20 行内，不认识的列忽略并警告。
            默认追加明细，--replace 替换全部明细。逐格校验（与 budget load 相同的规则）；有任何问题则列出全部问题（工作表、行、列、值、规则），工作区不变。
            导入到空工作区（budget init 之后）时，录入表的“单位”“项目”“收入”“参数”“标准”“人员”表一并导入；导入到已有单位的工作区时，表中新增的单位和项目随明细一并加入（已有的单位、项目不同则报错，不修改），--replace 时“收入”表替换工作区的收入。
            “参数”“标准”“人员”表与明细在同一个事务中导入：--replace 时替换工作区的全部参数、标准、人员信息；不加 --replace 时同名的参数、标准改为表中的值，新的增加，表中没有的保留；人员按（单位、类别、姓名）对应，新的增加，一行对一行的改为表中的值，对应不清（如工作区有两行“科员（在职）”而表中一行）则报错，请用 --replace。
            """)

        @OptionGroup var ws: WorkspaceArgument
        @Argument(help: "要导入的文件（.xlsx 或 .csv）") var file: String
        @Flag(help: "用文件中的明细替换工作区的全部明细（默认追加）") var replace = false
        @Option(help: "明细所在的工作表（默认：支出明细，没有则第一张表）") var sheet: String?
        @Flag(help: "金额列以元为单位（默认）") var unitYuan = false
        @Flag(help: "金额列以万元为单位") var unitWan = false
        @Option(help: "最多列出多少个问题（至少 1）") var maxErrors = 200
        @Option(help: "修改人（记入修改日志）") var author: String = defaultAuthor

        func validate() throws {
            if unitYuan && unitWan { throw ValidationError("--unit-yuan 和 --unit-wan 只能选一个") }
            if maxErrors < 1 { throw ValidationError("--max-errors 至少为 1（这是列出的问题数，不是允许的问题数：有任何问题都不会导入）") }
        }

        func run() throws {
            try runReporting {
                let start = ContinuousClock.now
                let url = URL(fileURLWithPath: file)
                guard FileManager.default.fileExists(atPath: url.path) else { throw WorkbookError.missingFile(file) }
                let w = try ws.open()
                let options = ImportOptions(sheet: sheet, amountUnit: unitWan ? .wan : unitYuan ? .yuan : nil,
                                            problemLimit: maxErrors)
                let imported = try FileImporter.read(url, options: options)
                let readTime = ContinuousClock.now - start
                var stderr = StandardError()
                for warning in imported.warnings { print("警告：\(warning)", to: &stderr) }
                let (current, isEmpty) = try w.budgetWithoutItems()
                let plan = try FileImporter.plan(imported, current: current, currentIsEmpty: isEmpty, replace: replace)
                let checkTime = ContinuousClock.now - start - readTime
                switch plan {
                case .addItems(let c):
                    try w.addItems(c.items, replace: c.replace, author: author, newUnits: c.newUnits,
                                   newProjects: c.newProjects, revenue: c.revenue, basis: c.basis)
                    print("已从 \(url.lastPathComponent)（\(imported.itemSource)）\(c.replace ? "导入并替换为" : "追加") \(c.items.count) 条支出明细（金额单位：\(imported.amountUnit.chineseName)）→ \(ws.workspace)")
                    if !c.newUnits.isEmpty { print("新增单位：" + c.newUnits.map { "\($0.code) \($0.name)" }.joined(separator: "、")) }
                    if !c.newProjects.isEmpty { print("新增项目：" + c.newProjects.map { "\($0.unit)/\($0.code) \($0.name)" }.joined(separator: "、")) }
                    if let r = c.revenue { print("收入表替换为 \(r.count) 行") }
                    if let p = c.basis.parameters { print("参数表\(c.replace ? "替换为" : "合并后共") \(p.count) 个参数") }
                    if let s = c.basis.standards { print("标准表\(c.replace ? "替换为" : "合并后共") \(s.count) 个标准") }
                    if let r = c.basis.staff { print("人员表\(c.replace ? "替换为" : "合并后共") \(r.count) 行（\(r.reduce(Int64(0)) { $0 + $1.count }) 人）") }
                case .rebuild(let budget):
                    // The disclosure files the workspace carries survive the rebuild.
                    let disclosure = try w.disclosureFiles()
                    try w.close()
                    try Workspace.create(at: ws.workspace, budget: budget, disclosureFiles: disclosure)
                    print("已从 \(url.lastPathComponent) 建立工作区内容：\(budget.units.count) 个单位，\(budget.projects.count) 个项目，\(budget.items.count) 条支出明细，\(budget.revenue.count) 条收入，\(budget.parameters.count) 个参数，\(budget.standards.count) 个标准，\(budget.staff.count) 行人员信息 → \(ws.workspace)")
                }
                let total = ContinuousClock.now - start
                let writeTime = total - readTime - checkTime
                print("读取 \(imported.rowsRead) 行 \(readTime.milliseconds) ms，校验 \(checkTime.milliseconds) ms，写入工作区 \(writeTime.milliseconds) ms，共 \(total.milliseconds) ms")
            }
        }
    }
}
