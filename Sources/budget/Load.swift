import ArgumentParser
import BudgetCore
import BudgetDisclosure
import BudgetStore
import BudgetWorkbook
import Foundation

extension BudgetCommand {
    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "从工作簿文件夹建立工作区。",
            discussion: "全部读入并通过校验后才替换已有的工作区；有任何错误则列出全部错误，工作区保持原样。")

        @Argument(help: "工作簿文件夹（workbook.json、units.csv、projects.csv、items.csv …）") var folder: String
        @Option(name: .customLong("into"), help: "要建立或替换的工作区文件") var workspace: String
        @Option(help: "最多列出多少个错误（至少 1）") var maxErrors = 200
        @Flag(help: "在标准错误输出中列出各阶段的用时（读取与写入在两个线程上同时进行）") var timings = false

        func validate() throws {
            // 0 used to stop the reader at once and load a partial budget: a limit must list something.
            if maxErrors < 1 { throw ValidationError("--max-errors 至少为 1（这是列出的错误数，不是允许的错误数：有任何错误都不会建立工作区）") }
        }

        func run() throws {
            try runReporting {
                let start = ContinuousClock.now
                let defaults = try defaultCodes()
                let clock = LoadTimings()
                var counts = (units: 0, projects: 0, items: 0, revenue: 0, files: 0)
                // The lines go to the workspace's writer while items.csv is still being read.
                try Workspace.create(at: workspace, timings: clock) { lines in
                    let (budget, warnings) = try WorkbookFolder.readReporting(URL(fileURLWithPath: folder), defaults: defaults, limit: maxErrors,
                                                                              lines: { lines.send($0) })
                    for w in warnings { print("【警告】\(w)") }
                    // The disclosure files travel with the workspace, so that `budget save` writes them back.
                    let disclosure = try DisclosureFolder.canonicalFiles(in: URL(fileURLWithPath: folder))
                    counts = (budget.units.count, budget.projects.count, budget.items.count, budget.revenue.count, disclosure.count)
                    return (budget, disclosure)
                }
                if timings { var err = StandardError(); for l in clock.lines { print(l, to: &err) } }
                let ms = (ContinuousClock.now - start).milliseconds
                print("已读入 \(folder)：\(counts.units) 个单位，\(counts.projects) 个项目，\(counts.items) 条支出明细，\(counts.revenue) 条收入\(counts.files == 0 ? "" : "，\(counts.files) 个公开资料文件") → \(workspace)（\(ms) ms）")
            }
        }
    }

    struct Save: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "把工作区写回工作簿文件夹（行按固定顺序写出）。")

        @OptionGroup var ws: WorkspaceArgument
        @Option(name: .customLong("to"), help: "目标文件夹") var folder: String

        func run() throws {
            try runReporting {
                let workspace = try ws.open()
                let budget = try workspace.budget()
                let disclosure = try workspace.disclosureFiles()
                try WorkbookFolder.write(budget, to: URL(fileURLWithPath: folder))
                if let disclosure { try DisclosureFolder.write(files: disclosure, to: URL(fileURLWithPath: folder)) }
                print("已写出 \(folder)：\(budget.items.count) 条支出明细" + (disclosure.map { $0.isEmpty ? "" : "，\($0.count) 个公开资料文件" }
                    ?? "（此工作区未载入公开资料文件，文件夹中已有的公开资料文件未改动）"))
            }
        }
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
