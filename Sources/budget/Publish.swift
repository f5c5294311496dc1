import ArgumentParser
import BudgetChecks
import BudgetCore
import BudgetDisclosure
import BudgetDocx
import BudgetExport
import BudgetPublish
import BudgetStore
import BudgetWorkbook
import BudgetXLSX
import Foundation

extension BudgetCommand {
    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "生成部门预算公开文档（DOCX）：概况、公开表、情况说明一至十二（含结构图和绩效目标表）、名词解释。",
            discussion: """
            公开表按所选模板集（--tables）生成，与 budget export 的印刷数相同；情况说明一至八与上年对比，需要 --prior。
            公开资料（绩效目标、政府采购、国有资产、文字说明）从工作簿文件夹的公开资料文件中读取，见 docs/workbook-folder.md。
            缺少的部分在文档中以“【待补充：……】”标出，不会留空或填 0。
            例：budget publish Workbooks/zezhou-natural-resources-2025 --prior Workbooks/zezhou-natural-resources-2024 --out 公开.docx --sheets 绩效目标表.xlsx --pdf
            """)

        @Argument(help: "工作区文件（.budget）或工作簿文件夹") var workspace: String
        @Option(help: "上年预算：工作区文件，或工作簿文件夹（情况说明一至八与上年对比；不给则这几节标为待补充）") var prior: String?
        @Flag(help: ArgumentHelp(forcePriorHelp)) var force = false
        @OptionGroup var tableSet: TableSetOptions
        @Option(help: "公开资料所在的工作簿文件夹（默认：工作簿文件夹本身，或工作区中 budget load 载入的公开资料）") var disclosure: String?
        @Option(help: "输出的 DOCX 文件") var out: String
        @Option(help: "另外把结构图（原生图表）、政府采购预算表和项目支出绩效目标表（每个项目一个工作表）写入这个 XLSX 文件") var sheets: String?
        @Flag(help: "另外用 LibreOffice 转换出 PDF（需要已安装 soffice）") var pdf = false

        func validate() throws {
            if let sheets { try requireXLSX(sheets, option: "--sheets") }
        }

        func run() throws {
            try runReporting {
                let budget = try loadBudget(workspace)
                // A wrong prior year is refused before anything else is read or printed.
                let priorBudget = try prior.map { path in
                    let p = try loadBudget(path)
                    try checkPriorYear(current: .init(budget), prior: .init(p), force: force)
                    return p
                }
                let root = try ResourceRoot.locate()
                let glossary = root.templates.appendingPathComponent("disclosure/glossary.md")
                var isDir: ObjCBool = false
                let folder = disclosure ?? (FileManager.default.fileExists(atPath: workspace, isDirectory: &isDir) && isDir.boolValue ? workspace : nil)
                let data: DisclosureData
                if let folder {
                    data = try DisclosureFolder.read(URL(fileURLWithPath: folder), glossaryTemplate: glossary)
                } else {
                    // A workspace: the disclosure files `budget load` carried into it (none for an older one).
                    let files = try Workspace.open(workspace).disclosureFiles() ?? [:]
                    data = try DisclosureFormat.parse(files: files, glossaryTemplate: [UInt8](Data(contentsOf: glossary)))
                }
                try reportDisclosureFindings(budget: budget, data: data)

                let input = PublishInput(budget: budget, data: data, templates: try tableSet.load(for: budget), prior: priorBudget)
                let document = try DisclosureDocument.build(input)
                let url = URL(fileURLWithPath: out)
                try DocxWriter.write(document, to: url)
                let markers = DisclosureDocument.markerCount(document)
                print("已写入 \(out)" + (markers == 0 ? "" : "（有 \(markers) 处“【待补充】”需要编制人员补齐）"))

                if let sheets {
                    var names: [String] = []
                    try XLSXWorkbook.writeAtomically(to: URL(fileURLWithPath: sheets), properties: XLSXDocumentProperties(
                        title: "\(budget.department)\(budget.year)年项目支出绩效目标表", author: budget.department)) { wb in
                        names = try DisclosureSheets.add(budget: budget, data: data, to: wb)
                    }
                    print("已写入 \(sheets)（\(names.count) 个工作表：\(names.prefix(3).joined(separator: "、"))\(names.count > 3 ? "……" : "")）")
                }
                if pdf { try convertToPDF(url) }
            }
        }

        /// `soffice --headless --convert-to pdf` beside the DOCX; a clear message when it is missing.
        func convertToPDF(_ docx: URL) throws {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            guard let soffice = path.split(separator: ":").map({ "\($0)/soffice" })
                .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
                throw ValidationError("没有找到 LibreOffice（soffice）：未生成 PDF。请安装 LibreOffice（Debian：apt-get install libreoffice-writer）后重试，DOCX 已写好。")
            }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: soffice)
            p.arguments = ["--headless", "--convert-to", "pdf", "--outdir", docx.deletingLastPathComponent().path, docx.path]
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            let pdfURL = docx.deletingPathExtension().appendingPathExtension("pdf")
            guard p.terminationStatus == 0, FileManager.default.fileExists(atPath: pdfURL.path) else {
                throw ValidationError("LibreOffice 转换 PDF 失败（退出码 \(p.terminationStatus)）")
            }
            print("已写入 \(pdfURL.path)")
        }
    }
}

/// Prints DisclosureChecks' findings; an error stops the command (nothing written).
func reportDisclosureFindings(budget: Budget, data: DisclosureData) throws {
    let findings = DisclosureChecks.all(budget: budget, data: data)
    if !findings.isEmpty {
        print("公开资料审核：\(findings.count) 条")
        for f in findings.sorted(by: { $0.severity < $1.severity }) {
            print("  【\(f.severity.chineseName)】\(f.description)")
        }
    }
    if findings.contains(where: { $0.severity == .error }) { throw ExitCode.failure }
}

/// `budget export --disclosure-sheets`: the export's options that add the disclosure's sheets
/// (DisclosureSheets) after the tables, from the disclosure files the workspace carries.
func publishSheetOptions(budget: Budget, workspace: String) throws -> TableExporter.Options {
    guard let files = try Workspace.open(workspace).disclosureFiles() else {
        throw ValidationError("工作区 \(workspace) 没有载入公开资料文件（绩效目标、政府采购等）：请用 budget load 从工作簿文件夹重新建立工作区，或用 budget publish --sheets")
    }
    let data = try DisclosureFormat.parse(files: files)
    try reportDisclosureFindings(budget: budget, data: data)
    return TableExporter.Options(appendSheets: { wb in try DisclosureSheets.add(budget: budget, data: data, to: wb) })
}
