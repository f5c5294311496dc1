import ArgumentParser
import BudgetChecks
import BudgetCore
import BudgetFiles
import BudgetStore
import BudgetWorkbook
import Foundation

extension BudgetCommand {
    struct Narrative: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "生成部门预算情况说明（第三部分 一至九）：数字取自本年和上年预算。",
            discussion: "变动原因等数据中没有的内容以 ______ 留空，由编制人员填写。")

        @OptionGroup var ws: WorkspaceArgument
        @OptionGroup var prior: PriorArgument
        @Option(help: "写入文件（默认输出到终端）") var out: String?
        @Flag(help: "输出 Markdown") var markdown = false
        @Flag(help: "不附数字来源") var noSources = false
        @OptionGroup var tableSet: TableSetOptions

        func run() throws {
            try runReporting {
                // Figures only: the kept subtotals, no line read.
                let (current, rollup) = try ws.open().budgetWithKeptRollup()
                // The 数字来源 lines cite the chosen set's tables.
                let citations = try tableSet.load(for: current).citations
                let (priorBudget, priorRollup) = try prior.loadFigures(for: current)
                let n = BudgetChecks.Narrative(current: current, prior: priorBudget, rollups: (rollup, priorRollup), citations: citations)
                let text = markdown ? n.renderMarkdown(withSources: !noSources) : n.renderText(withSources: !noSources)
                if let out {
                    let url = URL(fileURLWithPath: out)
                    try AtomicFile.write(Data(text.utf8), to: url)
                    print("已写入 \(out)")
                } else {
                    print(text, terminator: "")
                }
            }
        }
    }
}
