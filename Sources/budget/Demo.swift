import ArgumentParser
import BudgetCore
import BudgetDisclosure
import BudgetDocx
import BudgetExport
import BudgetPublish
import BudgetStore
import BudgetWorkbook
import Foundation

extension BudgetCommand {
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "用 Workbooks/ 中的示例预算（泽州县自然资源局 2025，及 2024 上年；示范县农业农村局 2026，由测算依据编制）建立演示工作区。")

        @Option(help: "演示文件放在哪个文件夹") var dir = "budget-demo"

        func run() throws {
            try runReporting {
                let root = try ResourceRoot.locate()
                let codes = try CodeLists.loadDefaults(codesFolder: root.codes)
                let out = URL(fileURLWithPath: dir)
                try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
                let current = try WorkbookFolder.read(root.workbooks.appendingPathComponent("zezhou-natural-resources-2025"), defaults: codes)
                let prior = try WorkbookFolder.read(root.workbooks.appendingPathComponent("zezhou-natural-resources-2024"), defaults: codes)
                let ws = out.appendingPathComponent("zezhou-2025.budget").path
                let priorWS = out.appendingPathComponent("zezhou-2024.budget").path
                try Workspace.create(at: ws, budget: current, disclosureFiles: try DisclosureFolder.canonicalFiles(
                    in: root.workbooks.appendingPathComponent("zezhou-natural-resources-2025")))
                try Workspace.create(at: priorWS, budget: prior)
                let rollup = Rollup(budget: current)
                print("演示工作区已建立：\(ws)")
                print("  \(current.department) \(current.year) 年：\(current.items.count) 条支出明细，支出总计 \(rollup.total(.department).wanText) 万元")
                print("  上年（\(prior.year)）：\(priorWS)")
                let xlsx = out.appendingPathComponent("zezhou-2025-公开表.xlsx")
                let templates = try TableSetOptions.namedSet(for: current)
                let report = try DisclosureExport.run(budget: current, rollup: rollup, templates: templates, out: xlsx)
                print("  十三张公开表：\(xlsx.path)（\(report.tables.count) 个工作表，\(String(format: "%.0f", (report.buildSeconds + report.writeSeconds) * 1000)) ms）")
                let docx = out.appendingPathComponent("zezhou-2025-公开.docx")
                let data = try DisclosureFolder.read(root.workbooks.appendingPathComponent("zezhou-natural-resources-2025"),
                                                     glossaryTemplate: root.templates.appendingPathComponent("disclosure/glossary.md"))
                let document = try DisclosureDocument.build(PublishInput(budget: current, data: data, templates: templates, prior: prior))
                try DocxWriter.write(document, to: docx)
                print("  部门预算公开文档：\(docx.path)（\(DisclosureDocument.markerCount(document)) 处“【待补充】”）")
                print("")
                print(TreeView(rollup: rollup, codes: current.codes).render())
                print("接下来可以试试：")
                print("  budget tree \(ws) --columns sources      # 按资金来源")
                print("  budget tree \(ws) --by economic          # 按经济分类")
                print("  budget items \(ws) --function 2200101    # 查看明细")
                print("  budget item set \(ws) 1 --amount 1045000 # 改一条明细，再看汇总")
                print("  budget save \(ws) --to \(dir)/folder      # 写回工作簿文件夹")
                print("  budget export \(ws) --out 公开表.xlsx     # 重新导出公开表")
                print("  budget publish \(ws) --prior \(priorWS) --out 公开.docx  # 整份部门预算公开文档")
                // The workbook drafted from its basis of calculation (测算依据): a roster and the county's standards.
                let sampleName = "shifan-agriculture-2026"
                if FileManager.default.fileExists(atPath: root.workbooks.appendingPathComponent(sampleName).path) {
                    let sample = out.appendingPathComponent("shifan-2026.budget").path
                    let drafted = try WorkbookFolder.read(root.workbooks.appendingPathComponent(sampleName), defaults: codes)
                    try Workspace.create(at: sample, budget: drafted)
                    print("")
                    print("由测算依据编制的示例（Workbooks/\(sampleName)：人员信息 \(drafted.staff.count) 行、县定标准 \(drafted.standards.count) 项）：\(sample)")
                    print("  budget items \(sample)                               # 金额旁是测算依据")
                    print("  budget explain \(sample) 3                           # 养老保险怎样算出")
                    print("  budget standard set \(sample) 养老保险单位缴费比例 18%  # 改标准，列出随之变动的明细")
                    print("  budget staff list \(sample) --unit 121002            # 人员信息")
                }
            }
        }
    }
}
