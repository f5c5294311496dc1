import BudgetCore
import BudgetDisclosure
import BudgetPublish
import Foundation
import Testing

/// The demo's disclosure data against the published document: every text and figure that the
/// seed prints is found where it prints it.
@Suite("Demo disclosure data against the seed")
struct SeedTests {
    /// The seed's performance target sheets, as blocks of lines (the seed prints twelve: two
    /// projects twice, the second copy without indicators).
    static func sheetBlocks() throws -> [String] {
        let text = try seedText()
        let start = text.range(of: "（项目绩效目标表公开情况见附件）")!.upperBound
        let end = text.range(of: "十一、国有资产占有使用情况", range: start..<text.endIndex)!.lowerBound
        return text[start..<end].components(separatedBy: "泽州县县(区)级预算部门(单位)项目支出绩效目标").dropFirst().map { $0 }
    }

    /// Tab-separated cells of a block's lines, trimmed.
    static func cells(_ block: String) -> [String] {
        block.split(separator: "\n").flatMap { $0.split(separator: "\t") }.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test("ten sheets, each field and every indicator printed in its sheet of the seed")
    func performanceTargets() throws {
        let data = try demoData()
        let targets = try #require(data.targets)
        #expect(targets.count == 10)
        let blocks = try SeedTests.sheetBlocks()
        #expect(blocks.count == 12)
        // The sheet each target was transcribed from (the duplicates' first copies) and the copy its
        // signature line comes from.
        let source = [0, 2, 3, 4, 5, 6, 7, 9, 10, 11], signature = [1, 2, 3, 4, 5, 6, 8, 9, 10, 11]
        for (n, t) in targets.enumerated() {
            let block = blocks[source[n]], cells = SeedTests.cells(block)
            let title = t.title.replacingOccurrences(of: "泽州县县(区)级预算部门(单位)项目支出绩效目标", with: "")
            #expect(block.hasPrefix(title), "\(t.sheet) title")
            for (label, value) in [("name", t.name), ("department", t.department), ("unit", t.implementingUnit),
                                   ("attribute", t.attribute), ("term", t.term), ("overview", t.overview), ("basis", t.basis),
                                   ("necessity", t.necessity), ("measures", t.measures), ("plan", t.plan),
                                   ("period goal", t.periodGoal)] {
                #expect(cells.contains(value), "\(t.sheet) \(label): \(value.prefix(20))")
            }
            if !t.yearGoal.isEmpty { #expect(cells.contains(t.yearGoal), "\(t.sheet) year goal") }
            // Funds: the row of each level prints the period's figure, then the year's.
            for level in [nil] + FundLevel.allCases.map(Optional.some) {
                let p = level.map { t.periodFunds[$0] } ?? t.periodFunds.total
                let y = level.map { t.yearFunds[$0] } ?? t.yearFunds.total
                let label = level.map { $0 == .cityCounty ? "市县(区)财政资" : $0.rawValue } ?? "资金总额"
                let line = try #require(block.split(separator: "\n").first { $0.contains(label) }, "\(t.sheet) \(label)")
                let figures = line.split(separator: "\t").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { $0.first.map { $0.isNumber } ?? false }
                #expect(figures == [p.text, y.text].filter { !$0.isEmpty }, "\(t.sheet) \(label)")
            }
            for (g, _, i) in t.allIndicators {
                #expect(cells.contains(g.level1) && cells.contains(g.level2), "\(t.sheet) \(g.level1)/\(g.level2)")
                #expect(cells.contains(i.name) && cells.contains(i.value), "\(t.sheet) \(i.name) \(i.value)")
            }
            let sig = blocks[signature[n]].split(separator: "\n").first { $0.hasPrefix("负责人") }.map(String.init) ?? ""
            for v in [t.signature.responsible, t.signature.handler, t.signature.phone, t.signature.filledAt] where !v.isEmpty {
                #expect(sig.contains(v), "\(t.sheet) signature \(v)")
            }
            #expect(t.signature.filledAt.count == 14, "\(t.sheet) 填报日期")
        }
        // The transcription has every 三级 of the seed: count the period-side indicators per sheet.
        #expect(targets.map { $0.allIndicators.count } == [14, 11, 8, 7, 8, 7, 9, 7, 6, 10])
    }

    @Test("section 九 generated from procurement.csv is the seed's sentence")
    func procurement() throws {
        let data = try demoData(), budget = try demoBudget()
        let sentence = DisclosureDocument.procurementText(ProcurementSummary(try #require(data.procurement)),
                                                          department: budget.department, year: budget.year)
        #expect(sentence == "2025年泽州县自然资源局政府采购预算总额3.20万元。其中:政府采购货物预算3.20万元、政府采购工程预算0万元、政府采购服务预算0万元。")
        #expect(try seedText().contains(sentence))
    }

    @Test("section 十一 generated from assets.csv is the seed's three paragraphs")
    func assets() throws {
        let data = try demoData(), budget = try demoBudget(), seed = try seedText()
        for (heading, text) in DisclosureDocument.assetTexts(try #require(data.assets), department: budget.department, year: budget.year) {
            #expect(seed.contains(heading + "\n\n" + text), "\(heading)")
        }
    }

    @Test("texts: 第一部分, 十二 (with the generated 政府购买服务 figure) and the glossary as the seed prints them")
    func texts() throws {
        let t = try demoData().texts
        let seed = try seedText()
        // The PDF breaks some paragraphs across lines: compare with the line breaks removed.
        let joined = seed.replacingOccurrences(of: "\n", with: "")
        #expect(t.duties.count == 9 && t.organisation.count == 1)
        for p in t.duties + t.organisation + t.otherNotes { #expect(joined.contains(p), "\(p.prefix(20))") }
        #expect(seed.contains(t.purchasedServicesNote[0] + "2025年本单位政府性购买预算支出3.20万元。"))
        #expect(t.glossary.count == 12)
        for (i, e) in t.glossary.enumerated() {
            let number = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"][i]
            #expect(joined.contains("\(number)、**\(e.term)**：" + e.definition.joined()), "\(e.term)")
        }
        // The reasons are the seed's "主要原因是……" / "原因是……" phrases.
        #expect(seed.contains("下降55.33%，主要原因是\(t.reasons[.incomeChange]!)；"))
        #expect(seed.contains("下降55.33%，主要原因是\(t.reasons[.expenditureChange]!)。"))
        #expect(seed.contains("原因是\(t.reasons[.officeRunningChange]!)。"))
    }
}
