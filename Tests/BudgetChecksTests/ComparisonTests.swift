import BudgetChecks
import BudgetCore
import BudgetXLSX
import Foundation
import Testing

@Suite("上年对比：演示 2025 对 2024")
struct ComparisonTests {
    func comparison(threshold: Int = 50) throws -> PriorComparison {
        PriorComparison(current: try Fixtures.demo(), prior: try Fixtures.demoPrior(), thresholdPercent: threshold)
    }

    @Test("总计、一般公共预算当年支出、机关运行经费与原文一致")
    func seedFigures() throws {
        let c = try comparison()
        let total = try #require(c.row("收支总计", "收入总计（支出总计）"))
        #expect(Money.hundredthsText(total.prior.wanHundredths) == "30190.54")
        #expect(Money.hundredthsText(total.current.wanHundredths) == "13487.42")
        #expect(Money.hundredthsText(total.change.wanHundredths) == "-16703.12")
        #expect(Percent.text(total.rate) == "-55.33")
        let gp = try #require(c.row("收支总计", "一般公共预算当年支出"))
        #expect(Money.hundredthsText(gp.prior.wanHundredths) == "19690.54")
        #expect(Percent.text(gp.rate) == "-72.06")
        let organ = try #require(c.rows.last)
        #expect(organ.section == "机关运行经费")
        #expect(Money.hundredthsText(organ.prior.wanHundredths) == "82.06")
        #expect(Money.hundredthsText(organ.current.wanHundredths) == "85.07")
        #expect(Percent.text(organ.rate) == "3.67")
    }

    @Test("各部分齐全；上年为零的增减率为 —")
    func sectionsAndDash() throws {
        let c = try comparison()
        #expect(c.sections == ["收支总计", "按资金来源（本年收入）", "基本支出与项目支出", "按支出功能分类", "基本支出按经济分类（类）",
                               "“三公”经费（财政拨款，当年）", "机关运行经费"])
        let three = try #require(c.row("“三公”经费（财政拨款，当年）", "合计"))
        #expect(three.prior == .zero && three.rate == nil)
        #expect(c.renderText().contains("—"))
        // Every function 类, 款 and 项 of either year appears once.
        let codes = c.rows.filter { $0.section == "按支出功能分类" }.map(\.code)
        #expect(Set(codes).count == codes.count && codes.contains("224") && codes == codes.sorted())
    }

    @Test("类增减超过阈值时警告；阈值可调")
    func thresholdWarnings() throws {
        let c = try comparison()
        #expect(c.warnings.contains { $0.contains("220") } && c.warnings.contains { $0.contains("224") } && !c.warnings.contains { $0.contains("212") })
        let loose = try comparison(threshold: 100_000)
        #expect(!loose.warnings.contains { $0.contains("变动") })
        var b = try Fixtures.demo()
        b.items.append(LineItem(unit: "080001", function: "2200101", economic: "30217", amount: Money(fen: 100)))
        let rising = PriorComparison(current: b, prior: try Fixtures.demoPrior())
        #expect(rising.warnings.contains { $0.contains("“三公”经费高于上年") })
        #expect(!c.warnings.contains { $0.contains("“三公”") })
    }

    @Test("XLSX：读回标题、单位、表头、数字与增减率；两次导出字节相同；原子写入")
    func xlsx() throws {
        let c = try comparison()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cmp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.xlsx"), b = dir.appendingPathComponent("b.xlsx")
        try c.writeXLSX(to: a.path)
        try c.writeXLSX(to: b.path)
        #expect(try Data(contentsOf: a) == Data(contentsOf: b))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["a.xlsx", "b.xlsx"])

        let reader = try XLSXReader(url: a)
        let sheet = try reader.read(sheet: "上年对比")
        func row(_ n: Int) -> XLSXRow? { sheet.rows.first { $0.number == n } }
        #expect(row(1)?.value(at: 0).stringValue == "泽州县自然资源局2025年预算与2024年预算对比表")
        #expect(row(2)?.value(at: 4).stringValue == "单位：万元")
        #expect((0..<6).map { row(3)?.value(at: $0).stringValue } == ["编码", "项目", "上年数", "本年数", "增减额", "增减率（%）"])
        let total = try #require(sheet.rows.first { $0.value(at: 1).stringValue == "收入总计（支出总计）" })
        #expect(total.value(at: 2).doubleValue.map { ($0 * 100).rounded() } == 3_019_054)
        #expect(total.value(at: 3).doubleValue.map { ($0 * 100).rounded() } == 1_348_742)
        #expect(total.value(at: 5).doubleValue == -55.33)
        let three = try #require(sheet.rows.first { $0.value(at: 1).stringValue == "合计" })
        #expect(three.value(at: 5).stringValue == "—")
        #expect(sheet.mergedRanges.contains { $0.firstRow == 1 && $0.lastColumn == 5 })
    }

    @Test("写入失败时不留下半个文件")
    func failedWrite() throws {
        let c = try comparison()
        #expect(throws: (any Error).self) { try c.writeXLSX(to: "/nonexistent-dir-\(UUID().uuidString)/x.xlsx") }
    }
}
