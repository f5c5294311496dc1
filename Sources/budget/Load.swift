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

        func validate() throws {
            // 0 used to stop the reader at once and load a partial budget: a limit must list something.
            if maxErrors < 1 { throw ValidationError("--max-errors 至少为 1（这是列出的错误数，不是允许的错误数：有任何错误都不会建立工作区）") }
        }

        func run() throws {
            try runReporting {
                let start = ContinuousClock.now
                let (budget, warnings) = try WorkbookFolder.readReporting(URL(fileURLWithPath: folder), defaults: try defaultCodes(), limit: maxErrors)
                for w in warnings { print("【警告】\(w)") }
                // The disclosure files travel with the workspace, so that `budget save` writes them back.
                let disclosure = try DisclosureFolder.canonicalFiles(in: URL(fileURLWithPath: folder))
                try Workspace.create(at: workspace, budget: budget, disclosureFiles: disclosure)
                let ms = (ContinuousClock.now - start).milliseconds
                print("已读入 \(folder)：\(budget.units.count) 个单位，\(budget.projects.count) 个项目，\(budget.items.count) 条支出明细，\(budget.revenue.count) 条收入\(disclosure.isEmpty ? "" : "，\(disclosure.count) 个公开资料文件") → \(workspace)（\(ms) ms）")
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
