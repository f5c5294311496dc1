import ArgumentParser
import BudgetCore
import BudgetImport
import BudgetStore
import BudgetWorkbook
import Foundation

extension BudgetCommand {
    struct Codes: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "科目：导入财政部门下发的完整科目表。", subcommands: [Import.self])

        struct Import: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "导入科目表（CSV 或 XLSX 第一张表：code,name 或 科目编码,科目名称）。",
                discussion: "全部通过校验才写入（一个事务）；有错误则列出全部错误，工作区不变。")
            @OptionGroup var ws: WorkspaceArgument
            @Argument(help: "科目表文件（.csv 或 .xlsx）") var file: String
            @Option(help: CodeSet.optionHelp("科目表的种类")) var set: CodeSet

            func run() throws {
                try runReporting {
                    let w = try ws.open()
                    let url = URL(fileURLWithPath: file)
                    var problems = ProblemCollector()
                    let codes: [(String, String)]
                    if ["xlsx", "xlsm"].contains(url.pathExtension.lowercased()) {
                        // XLSX: the first sheet, columns code,name or 科目编码,科目名称; numeric codes accepted.
                        guard FileManager.default.fileExists(atPath: url.path) else { throw WorkbookError.missingFile(file) }
                        codes = try CodeListImport.readXLSX(url, set: set, problems: &problems)
                    } else {
                        guard let data = FileManager.default.contents(atPath: url.path) else { throw WorkbookError.missingFile(file) }
                        codes = CodeLists.parseCodeList([UInt8](data), file: url.lastPathComponent, set: set, problems: &problems)
                    }
                    try problems.throwIfErrors()
                    let r = try w.importCodes(set, codes.map { (code: $0.0, name: $0.1) })
                    print("已导入 \(codes.count) 个\(set.chineseName)科目：新增 \(r.added) 个，改名 \(r.renamed) 个")
                }
            }
        }
    }
}
