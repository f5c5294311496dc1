import BudgetChecks
import BudgetCore
import BudgetXLSX
import Foundation
import Testing
import ZIPFoundation

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
        #expect(Money.hundredthsText(total.change) == "-16703.12")
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
    /// `-16703.12` → -1670312 hundredths.
    static func hundredths(_ s: String) -> Int64? {
        let neg = s.hasPrefix("-"), body = neg ? String(s.dropFirst()) : s
        let parts = body.split(separator: ".")
        guard parts.count == 2, parts[1].count == 2, let w = Int64(parts[0]), let f = Int64(parts[1]) else { return nil }
        return (neg ? -1 : 1) * (w * 100 + f)
    }

    @Test("增减额 = 印刷的本年数 − 印刷的上年数，增减率由印刷数计算：每一行（含 208、303、基本支出、220）")
    func printedArithmetic() throws {
        let c = try comparison()
        var checked = 0
        for line in c.renderText().split(separator: "\n") {
            let cols = line.split(separator: " ").map(String.init)
            guard cols.count >= 4, let p = Self.hundredths(cols[cols.count - 4]), let n = Self.hundredths(cols[cols.count - 3]),
                  let d = Self.hundredths(cols[cols.count - 2]) else { continue }
            #expect(d == n - p, "\(line)")
            if let r = Self.hundredths(cols[cols.count - 1]) {
                // half up of the printed figures: |d| / p × 10000, rounded
                let exact = Double(d) / Double(p) * 10000
                #expect(r == Int64(exact.magnitude.rounded(.toNearestOrAwayFromZero)) * (exact < 0 ? -1 : 1), "\(line)")
            }
            checked += 1
        }
        #expect(checked > 40)
        let r208 = try #require(c.row("按支出功能分类", "208"))
        #expect(r208.printed.prior == 65703 && r208.printed.current == 66792 && r208.change == 1089)   // printed 10.90 before
        for (section, key) in [("基本支出按经济分类（类）", "303"), ("基本支出与项目支出", "基本支出"), ("按支出功能分类", "220")] {
            let r = try #require(c.row(section, key))
            #expect(r.change == r.printed.current - r.printed.prior, "\(key)")
        }
    }

    @Test("XLSX：每格是印刷数，增减额格 = 本年数格 − 上年数格")
    func xlsxPrintedFigures() throws {
        let c = try comparison()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cmp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.xlsx")
        try c.writeXLSX(to: a.path)
        let sheet = try XLSXReader(url: a).read(sheet: "上年对比")
        var rows = 0
        for row in sheet.rows {
            guard let p = row.value(at: 2).doubleValue, let n = row.value(at: 3).doubleValue, let d = row.value(at: 4).doubleValue else { continue }
            for v in [p, n, d] { #expect((v * 100).rounded() / 100 == v, "row \(row.number): \(v) is not a printed 0.01 figure") }
            #expect(((n - p) * 100).rounded() == (d * 100).rounded(), "row \(row.number)")
            rows += 1
        }
        #expect(rows == c.rows.count)
        let archive = try Archive(url: a, accessMode: .read)
        var xml = Data()
        _ = try archive.extract(try #require(archive["xl/worksheets/sheet1.xml"])) { xml.append($0) }
        #expect(String(decoding: xml, as: UTF8.self).contains("<oddFooter>&amp;C第 &amp;P 页 共 &amp;N 页</oddFooter>"))
    }

    @Test("上年预算必须是同一部门的上一年：同年、以后年度、其他部门拒绝；更早年度加 --force 可用")
    func priorYearRule() {
        let cur = PriorYearRule.Identity(department: "泽州县自然资源局", departmentCode: "080", year: 2025)
        func prior(_ y: Int, _ d: String = "泽州县自然资源局", code: String = "080") -> PriorYearRule.Identity {
            .init(department: d, departmentCode: code, year: y)
        }
        #expect(PriorYearRule.check(current: cur, prior: prior(2024)) == nil)
        let same = PriorYearRule.check(current: cur, prior: prior(2025))
        #expect(same?.forceable == false && same?.description.contains("2025") == true)
        #expect(PriorYearRule.check(current: cur, prior: prior(2025), force: true) != nil, "--force never allows the same year")
        #expect(PriorYearRule.check(current: cur, prior: prior(2026), force: true)?.description.contains("以后") == true)
        let older = PriorYearRule.check(current: cur, prior: prior(2023))
        #expect(older?.forceable == true && older?.description.contains("--force") == true)
        #expect(PriorYearRule.check(current: cur, prior: prior(2023), force: true) == nil)
        let other = PriorYearRule.check(current: cur, prior: prior(2024, "泽州县教育局", code: "081"))
        #expect(other?.description.contains("泽州县教育局") == true && other?.forceable == true)
        // Without codes the names decide; with both codes the codes (a renamed department is the same one).
        #expect(PriorYearRule.check(current: .init(department: "甲", year: 2025), prior: .init(department: "乙", year: 2024)) != nil)
        #expect(PriorYearRule.check(current: cur, prior: prior(2024, "泽州县国土资源局")) == nil)
        // The demo's two years pass.
        #expect(PriorYearRule.check(current: .init(try! Fixtures.demo()), prior: .init(try! Fixtures.demoPrior())) == nil)
    }
}
