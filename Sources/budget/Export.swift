import ArgumentParser
import BudgetCore
import BudgetExport
import BudgetStore
import BudgetTables
import BudgetWorkbook
import Foundation

extension BudgetCommand {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "导出部门预算公开表（XLSX，一张表一个工作表，版式由 Templates/tables 中的模板决定）。",
            discussion: """
            数据违反规则时仍导出草稿，并列出问题；加 --strict 则拒绝导出。
            例：budget export demo/zezhou-2025.budget --out 公开表.xlsx --split 分表/
            """)

        @OptionGroup var ws: WorkspaceArgument
        @Option(help: "输出的 XLSX 文件") var out: String
        @Option(help: "模板集文件夹（默认 Templates/tables/\(DisclosureExport.defaultTemplateSet)）") var template: String?
        @Option(help: "另外把每张表各写一个文件到这个文件夹") var split: String?
        @Flag(help: "数据有错误时不导出") var strict = false

        func run() throws {
            try runReporting {
                let (budget, stored) = try ws.open().budgetWithItems()
                let templates = try loadTemplates(template)
                let report = try DisclosureExport.run(
                    budget: budget, templates: templates, out: URL(fileURLWithPath: out),
                    split: split.map { URL(fileURLWithPath: $0) }, strict: strict,
                    itemLocation: { i, c in Location(column: c, item: i < stored.count ? stored[i].id : Int64(i + 1)) })
                printReport(report)
            }
        }
    }
}

/// The template set at `path`, or the default set of the project.
func loadTemplates(_ path: String?) throws -> TableTemplateSet {
    let url = try path.map { URL(fileURLWithPath: $0) }
        ?? ResourceRoot.locate().templates.appendingPathComponent("tables/\(DisclosureExport.defaultTemplateSet)")
    return try TableTemplateSet.load(url)
}

func printReport(_ report: DisclosureExport.Report) {
    if !report.problems.isEmpty {
        var stderr = StandardError()
        print("注意：数据有 \(report.problems.count)\(report.problemsTruncated ? "+" : "") 个问题，已按草稿导出：", to: &stderr)
        for p in report.problems.prefix(50) { print("  \(p)", to: &stderr) }
        if report.problems.count > 50 { print("  ……（其余 \(report.problems.count - 50) 个略）", to: &stderr) }
    }
    print("已导出 \(report.tables.count) 张公开表：\(report.files[0].path)")
    for t in report.tables {
        print("  \(t.sheetName)：\(t.rows.count) 行\(t.emptyNote != nil ? "（本表无数据）" : "")")
    }
    if report.files.count > 1 {
        print("分表文件 \(report.files.count - 1) 个，在 \(report.files[1].deletingLastPathComponent().path)")
    }
    print("用时：计算 \(String(format: "%.1f", report.buildSeconds * 1000)) ms，写入 \(String(format: "%.1f", report.writeSeconds * 1000)) ms")
}
