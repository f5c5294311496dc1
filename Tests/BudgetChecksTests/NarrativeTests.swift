import BudgetChecks
import BudgetCore
import Testing

@Suite("情况说明（第三部分）：演示 2025 对 2024 复现原文的数字和措辞")
struct NarrativeTests {
    func text() throws -> String {
        Narrative(current: try Fixtures.demo(), prior: try Fixtures.demoPrior()).renderText()
    }

    @Test("原文句子逐句出现", arguments: [
        "2025年度泽州县自然资源局预算收入总计13,487.42万元，其中：本年收入13,000.87万元，上年结转486.55万元，比上年减少16703.12万元，下降55.33%",
        "本年部门预算支出总计13,487.42万元，其中：本年预算安排13,000.87万元，上年结转486.55万元，比上年减少16703.12万元，下降55.33%",
        "2025年度泽州县自然资源局预算收入13,487.42万元，主要包括一般公共预算拨款收入5,500.87万元，占40.79%；政府性基金预算拨款收入7,500.00万元，占55.61%；国有资本经营预算拨款收入0万元，占0%；财政专户管理资金收入0万元，占0%；单位资金0万元，占0%；上年结转486.55万元，占3.61%。",
        "2025年度泽州县自然资源局支出预算13487.42万元，其中：基本支出3950.4万元，占29.29%；项目支出9537.02万元，占70.71%。",
        "2025年度泽州县自然资源局财政拨款收支总预算13,487.42万元。其中：一般公共预算拨款5,987.42万元，政府性基金预算拨款7,500.00万元，国有资本经营预算拨款0万元。其中：当年拨款收入13,000.87万元，上年结转收入486.55万元。支出包括：社会保障和就业支出667.92万元、卫生健康支出227.32万元、城乡社区支出7,500.00万元、自然资源海洋气象等支出4,222.91万元、住房保障支出319.23万元、粮油物资储备支出63.50万元、灾害防治及应急管理支出486.55万元等。",
        "2025年度泽州县自然资源局一般公共预算当年支出5,500.87万元，比上年减少14189.67万元，下降72.06%。",
        "2025年度泽州县自然资源局一般公共预算当年支出5,500.87万元,主要用于以下方面:社会保障和就业支出667.92万元,占12.14%;卫生健康支出227.32万元,占4.13%;自然资源海洋气象等支出4,222.91万元,占76.77%;住房保障支出319.23万元,占5.80%;粮油物资储备支出63.50万元,占1.15%等。",
        "2025年度泽州县自然资源局一般公共预算安排基本支出3,950.40万元,其中:",
        "人员经费3,865.32万元,主要包括:",
        "公用经费85.07万元,主要包括:",
        "本部门无“三公”经费预算。",
        "本单位机关运行经费财政拨款85.07万元,较2024年预算安排增加3.01万元,增长3.67%",
    ])
    func sentence(_ s: String) throws {
        let t = try text()
        #expect(t.contains(s), "缺少：\(s)")
    }

    @Test("人员经费、公用经费列出原文的每个经济科目")
    func itemsNamed() throws {
        let t = try text()
        let personnel = try #require(t.split(separator: "\n").first { $0.hasPrefix("人员经费") })
        for name in ["其他社会保障缴费", "公务员医疗补助缴费", "绩效工资", "基本工资", "医疗费补助", "机关事业单位基本养老保险缴费",
                     "住房公积金", "退休费", "奖金", "奖励金", "津贴补贴", "职业年金缴费", "职工基本医疗保险缴费"] {
            #expect(personnel.contains(name), "人员经费缺少 \(name)")
        }
        let publicUse = try #require(t.split(separator: "\n").first { $0.hasPrefix("公用经费") })
        for name in ["办公费", "电费", "其他交通费用", "委托业务费", "工会经费", "差旅费", "取暖费", "水费"] {
            #expect(publicUse.contains(name), "公用经费缺少 \(name)")
        }
    }

    @Test("九节齐全；政府采购没有数据时明说未记录，不编造金额")
    func sections() throws {
        let n = Narrative(current: try Fixtures.demo(), prior: try Fixtures.demoPrior())
        #expect(n.sections.map { String($0.title.prefix(2)) } == ["一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、", "九、"])
        let nine = n.sections[8].paragraphs.joined()
        #expect(nine.contains("未记录政府采购"))
        #expect(!nine.contains("3.20"))
        let md = n.renderMarkdown()
        #expect(md.hasPrefix("# 第三部分 2025年度部门预算情况说明"))
        #expect(md.contains("## 八、机关运行经费增减变动原因说明"))
    }

    @Test("有“三公”经费时写出金额和增减，不写“无”")
    func threePublicPresent() throws {
        var b = try Fixtures.demo()
        b.items.append(LineItem(unit: "080001", function: "2200101", economic: "30217", amount: Money(fen: 2_000_000)))
        let t = Narrative(current: b, prior: try Fixtures.demoPrior()).renderText()
        #expect(!t.contains("本部门无“三公”经费预算"))
        #expect(t.contains("2025年“三公”经费财政拨款预算2.00万元，上年无此项预算。其中：因公出国（境）费0万元，公务接待费2.00万元"))
    }

    @Test("比上年增减：印刷的本年数 − 印刷的上年数（657.03 → 667.92 增加 10.89，不是精确差 10.88）")
    func changeFromPrintedFigures() {
        #expect(Narrative.change(prior: Money(fen: 6_570_349_00), current: Money(fen: 6_679_151_00), comma: "，")
                == "比上年增加10.89万元，增长1.66%")
        #expect(Narrative.change(prior: Money(fen: 30_190_540_000), current: Money(fen: 13_487_417_800), comma: "，")
                == "比上年减少16703.12万元，下降55.33%")
    }

    @Test("百分比与增减：由印刷数（万元两位小数）计算，两位小数四舍五入")
    func percent() {
        #expect(Percent.share(Money(fen: 1_000_000), of: Money(fen: 8_000_000)) == 1250)   // 1.00 / 8.00 = 12.5%
        #expect(Percent.share(Money(fen: 1_000_000), of: Money(fen: 3_000_000)) == 3333)   // 33.333…%
        #expect(Percent.share(Money(fen: 2_000_000), of: Money(fen: 3_000_000)) == 6667)   // 66.666…% half up
        // 0.0049 万元 prints 0.00: its share of the printed figures is 0, whatever the exact amount.
        #expect(Percent.share(Money(fen: 4_900), of: Money(fen: 8_000_000)) == 0)
        #expect(Percent.share(Money(fen: 1), of: Money(fen: 4_999)) == nil)              // the whole prints 0.00
        // 0.20 → 0.10 万元 (exact 0.100001): 增减额 −0.10, 增减率 −50.00 (exact −49.9995%).
        let half = PriorChange(prior: Money(fen: 200_000), current: Money(fen: 100_001))
        #expect(half.change == -10 && half.rate == -5000)
        // The printed figures decide: 657.0349 → 667.9151 prints 657.03 → 667.92, 增减额 10.89 (exact 10.8802
        // would print 10.88; the old code printed 10.90 from other exact amounts).
        let c = PriorChange(prior: Money(fen: 6_570_349_00), current: Money(fen: 6_679_151_00))
        #expect(c.prior == 65703 && c.current == 66792 && c.change == 1089)
        #expect(c.rate == 166)                                                           // 10.89 / 657.03 = 1.657…%
        #expect(PriorChange(prior: .zero, current: Money(fen: 5)).rate == nil)
        #expect(PriorChange(prior: Money(fen: 4_999), current: Money(fen: 10_000)).rate == nil)  // prior prints 0.00
        #expect(Percent.text(nil) == "—")
        #expect(PriorChange(prior: Money(fen: Int64.max / 2), current: Money(fen: Int64.max)).rate == 10000)
        #expect(PriorChange(prior: Money(fen: Int64.max), current: .zero).rate == -10000)
        #expect(Narrative.change(prior: Money(fen: 4_999_999), current: Money(fen: 5_000_001), comma: "，") == "与上年持平")
        #expect(Narrative.trimmed(Money(fen: 39_504_000_00)) == "3950.4")
        #expect(Narrative.trimmed(Money(fen: 75_000_000_00)) == "7500")
        #expect(Narrative.grouped(.zero) == "0")
    }
}
