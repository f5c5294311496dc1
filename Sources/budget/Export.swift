import ArgumentParser
import BudgetChecks
import BudgetCore
import BudgetExport
import BudgetStore
import BudgetTables
import BudgetWorkbook
import Foundation

extension BudgetCommand {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "导出部门预算公开表（XLSX，一张表一个工作表，版式由所选模板集决定，见 --tables）。",
            discussion: """
            数据违反规则时仍导出草稿，并列出问题；加 --strict 则拒绝导出。
            例：budget export demo/zezhou-2025.budget --out 公开表.xlsx --split 分表/
            　　budget export demo/zezhou-2025.budget --tables mof-9 --out 九张表.xlsx
            """)

        @OptionGroup var ws: WorkspaceArgument
        @Option(help: "输出的 XLSX 文件") var out: String
        @OptionGroup var tableSet: TableSetOptions
        @Option(help: "另外把每张表各写一个文件到这个文件夹") var split: String?
        @Flag(help: "数据有错误时不导出") var strict = false
        @Flag(help: "舍位平衡：把最少的印刷数各调 0.01 万元，使每列每行印刷数都能加平（合计不变），并列出调整了哪些格")
        var balanceRounding = false
        @Flag(help: "在公开表之后加上结构图（原生图表）、政府采购预算表和项目支出绩效目标表（每个项目一个工作表），取自 budget load 载入的公开资料")
        var disclosureSheets = false

        func validate() throws { try requireXLSX(out, option: "--out") }

        func run() throws {
            try runReporting {
                // The tables read the kept subtotals; the line rules read only the lines that use a
                // failing code (a draft lists its problems): a clean workspace is exported without
                // reading a line. The disclosure sheets (绩效目标, 采购) read the whole budget.
                var moves: [String] = []
                let report = try ws.open().readingFigures { read in
                    let budget = read.budget
                    let templates = try tableSet.load(for: budget)
                    // 舍位平衡 balances by the footings of the chosen set's own rules.
                    let rules = balanceRounding ? try TableSetOptions.rules(for: templates) : nil
                    let options = disclosureSheets ? try publishSheetOptions(budget: try ws.open().budget(), workspace: ws.workspace) : .init()
                    return try DisclosureExport.run(
                        budget: budget, rollup: read.rollup, lines: read.lines, templates: templates, out: URL(fileURLWithPath: out),
                        split: split.map { URL(fileURLWithPath: $0) }, strict: strict, options: options,
                        adjust: { tables in
                            guard let rules else { return tables }
                            return tables.map { balanced($0, rules: rules, log: &moves) }
                        })
                }
                printReport(report)
                if balanceRounding {
                    print(moves.isEmpty ? "舍位平衡：各表印刷数已经平衡，没有调整。" : "舍位平衡：调整了 \(moves.count) 个格（每格 0.01 万元，合计不变）：")
                    for m in moves { print("  \(m)") }
                }
            }
        }
    }
}

/// 舍位平衡 applied to one table: each moved cell is written as its adjusted printed figure, so
/// the printed columns and rows foot; the exact amounts stay in the workspace.
func balanced(_ table: DisclosureTable, rules: RuleSet, log: inout [String]) -> DisclosureTable {
    let b = RoundingBalance.balance(table, rules: rules)
    var t = table
    for m in b.moves where m.row < t.rows.count && m.column < t.rows[m.row].cells.count {
        t.rows[m.row].cells[m.column] = .amount(Money(fen: m.after * 10_000))
        log.append("\(table.sheetName)：\(m.description)")
    }
    for u in b.unresolved { log.append("\(table.sheetName)：未能平衡 \(u)") }
    return t
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
