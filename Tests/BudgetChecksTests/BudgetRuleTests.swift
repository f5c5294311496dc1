import BudgetChecks
import BudgetCore
import BudgetTables
import Testing

/// Data rules and the rules evaluated from the line items: each with a budget that breaks it and
/// one that does not (the demo, or the demo with the offending line removed).
@Suite("勾稽审核：明细数据规则和按明细汇总的规则")
struct BudgetRuleTests {
    func line(_ function: String = "2200101", _ economic: String = "30201", source: Source = .generalPublic,
              carryover: Carryover = .currentYear, kind: ExpenditureKind = .basic, project: String? = nil,
              unit: String = "080001", yuan: Int64 = 1000) -> LineItem {
        LineItem(unit: unit, function: function, economic: economic, source: source, carryover: carryover, kind: kind,
                 project: project, amount: Money(fen: yuan * 100))
    }

    func demo(adding extra: [LineItem] = []) throws -> Budget {
        var b = try Fixtures.demo()
        b.items += extra
        return b
    }

    @Test("data.codes：未知功能科目、非末级经济科目、未知单位报错，并指出明细")
    func codes() throws {
        #expect(try Fixtures.check(try demo()).serious("data.codes").isEmpty)
        let b = try demo(adding: [line("2999999")])
        let f = try Fixtures.check(b).serious("data.codes")
        #expect(f.count == 1)
        #expect(f.first?.message.contains("2999999") == true)
        #expect(f.first?.items == [Int64(b.items.count)])
        #expect(f.first?.severity == .error)
        var nonLeaf = try demo()
        nonLeaf.codes.define(.economic, code: "30299", name: "其他商品和服务支出", origin: .defaults)
        nonLeaf.codes.define(.economic, code: "3029901", name: "下级科目", origin: .workbook)
        let g = try Fixtures.check(nonLeaf).serious("data.codes")
        #expect(g.count == 2 && g.allSatisfy { $0.message.contains("30299") && $0.message.contains("末级") })
        #expect(try Fixtures.check(try demo(adding: [line(unit: "099999")])).serious("data.codes").contains { $0.message.contains("099999") })
    }

    @Test("data.project-of-own-unit：项目支出填写了不存在或他单位的项目")
    func projectOfOwnUnit() throws {
        #expect(try Fixtures.check(try demo()).serious("data.project-of-own-unit").isEmpty)
        let b = try demo(adding: [line("2200199", "30299", kind: .project, project: "P99")])
        let f = try Fixtures.check(b).serious("data.project-of-own-unit")
        #expect(f.count == 1 && f[0].message.contains("P99"))
    }

    @Test("data.basic-no-project：基本支出填写了项目")
    func basicNoProject() throws {
        #expect(try Fixtures.check(try demo()).serious("data.basic-no-project").isEmpty)
        let f = try Fixtures.check(try demo(adding: [line(project: "P01")])).serious("data.basic-no-project")
        #expect(f.count == 1 && f[0].message.contains("P01"))
    }

    @Test("data.amounts：负数金额报错")
    func amounts() throws {
        #expect(try Fixtures.check(try demo()).serious("data.amounts").isEmpty)
        var bad = line()
        bad.amount = Money(fen: -1)
        let f = try Fixtures.check(try demo(adding: [bad])).serious("data.amounts")
        #expect(f.count == 1 && f[0].found == Money(fen: -1))
    }

    @Test("data.personnel-on-project：项目支出用 301/303 人员经费科目提示复核（演示的遗属补贴 30305）")
    func personnelOnProject() throws {
        let demo = try demo()
        let f = try Fixtures.check(demo).serious("data.personnel-on-project")
        #expect(f.count == 1)
        #expect(f.first?.severity == .warning)
        #expect(f.first?.message.contains("30305") == true)
        #expect(f.first?.found == Money(fen: 4_972_800))
        var clean = demo
        clean.items.removeAll { $0.kind == .project && $0.economic.hasPrefix("303") }
        #expect(try Fixtures.check(clean).serious("data.personnel-on-project").isEmpty)
    }

    @Test("data.three-public-codes：任何明细使用“三公”科目都提示复核")
    func threePublicCodes() throws {
        #expect(try Fixtures.check(try demo()).all("data.three-public-codes").isEmpty)
        let f = try Fixtures.check(try demo(adding: [line("2200101", "30217")])).all("data.three-public-codes")
        #expect(f.count == 1 && f[0].severity == .info && f[0].message.contains("30217"))
    }

    @Test("T1.thirty-classes：落在表1 三十个类之外的支出使收支不平，报错")
    func thirtyClasses() throws {
        #expect(try Fixtures.check(try demo()).serious("T1.thirty-classes").isEmpty)
        var b = try demo(adding: [line("2180101", "30201")])
        b.codes.define(.function, code: "218", name: "测试类", origin: .workbook)
        b.codes.define(.function, code: "21801", name: "测试款", origin: .workbook)
        b.codes.define(.function, code: "2180101", name: "测试项", origin: .workbook)
        let r = try Fixtures.check(b)
        let f = r.serious("T1.thirty-classes")
        #expect(f.count == 1 && f[0].difference == Money(fen: 100_000))
        // The printed table 1 then does not foot either: 本年支出合计 exceeds its thirty 类 rows.
        #expect(r.serious("T1.footing").contains { $0.places.contains { $0.contains("本年支出合计") } })
    }

    @Test("projects.lines：没有项目的项目支出明细使表12、表13 少于项目支出，报错")
    func projectLines() throws {
        #expect(try Fixtures.check(try demo()).serious("projects.lines").isEmpty)
        let r = try Fixtures.check(try demo(adding: [line("2200199", "30299", kind: .project, project: nil)]))
        #expect(r.serious("projects.lines").first?.difference == Money(fen: 100_000))
        // Table 12 then shows a unit larger than the sum of its projects.
        #expect(r.serious("T12.footing").contains { $0.places.contains { $0.contains("unit:080001") } })
    }

    @Test("fund.revenue：政府性基金收入与基金支出不等时警告")
    func fundRevenue() throws {
        #expect(try Fixtures.check(try demo()).serious("fund.revenue").isEmpty)
        var b = try demo()
        b.revenue[0].amount = b.revenue[0].amount + Money(fen: 1)
        let r = try Fixtures.check(b)
        let f = r.serious("fund.revenue")
        #expect(f.count == 1 && f[0].severity == .warning && f[0].difference == Money(fen: 1))
        #expect(r.serious("T7-T8.fund").first?.severity == .warning)
        #expect(!r.hasErrors)
    }

    @Test("T10.prior：“三公”经费高于上年时警告；没有上年数据时不执行")
    func threePublicPrior() throws {
        let prior = try Fixtures.demoPrior()
        #expect(try Fixtures.check(try demo(), prior: prior).serious("T10.prior").isEmpty)
        let rising = try demo(adding: [line("2200101", "30217", yuan: 5000)])
        let f = try Fixtures.check(rising, prior: prior).serious("T10.prior")
        #expect(f.count == 1 && f[0].severity == .warning && f[0].found == Money(fen: 500_000) && f[0].expected == .zero)
        // Unit funds are not 财政拨款: not "三公" in table 10's sense.
        let unitFunds = try demo(adding: [line("2200101", "30217", source: .unitFunds)])
        #expect(try Fixtures.check(unitFunds, prior: prior).serious("T10.prior").isEmpty)
        #expect(try Fixtures.check(rising).skipped.contains { $0.rule == "T10.prior" })
    }

    @Test("organ.units 与 T11-T6.organ：全部为行政/参公单位时相等，有事业单位时只要求不大于")
    func organOperation() throws {
        #expect(try Fixtures.check(try demo()).serious("organ.units").isEmpty)
        // A line of a unit missing from the unit table: its 公用经费 is in table 6 but in no row of table 11.
        let stray = try Fixtures.check(try demo(adding: [line(unit: "080099")]))
        #expect(stray.serious("organ.units").first?.difference == Money(fen: -100_000))
        #expect(!stray.serious("T11-T6.organ").isEmpty)
        // A 事业单位 with 公用经费: table 11 is below table 6, which is allowed.
        var inst = try demo(adding: [line(unit: "080002")])
        inst.units.append(BudgetUnit(code: "080002", name: "测试事业单位", type: .institution))
        let r = try Fixtures.check(inst)
        #expect(r.serious("organ.units").isEmpty)
        #expect(r.serious("T11-T6.organ").isEmpty)
        #expect(!r.hasErrors)
    }

    @Test("演示预算（2025 对 2024）：没有错误，每条规则都执行了")
    func demoPasses() throws {
        let r = try Fixtures.check(try Fixtures.demo(), prior: try Fixtures.demoPrior())
        #expect(!r.hasErrors, "\(r.renderText())")
        #expect(r.skipped.isEmpty, "\(r.skipped)")
        #expect(r.rulesEvaluated == (try Fixtures.rules()).rules.count)
        #expect(r.findings.filter { $0.severity == .warning }.map(\.rule) == ["data.personnel-on-project"])
        let text = r.renderText()
        #expect(text.contains("结论：没有错误。"))
        #expect(text.contains("【警告】"))
    }

    @Test("the terminal report says table places in the tables' words (it said 表 T6 行 economic:301 列 personnel)")
    func terminalReportInTheTablesWords() throws {
        let budget = try Fixtures.demo()
        let tables = try Fixtures.tables(budget)
        let text = try Fixtures.check(budget, tables: tables, prior: try Fixtures.demoPrior()).renderText(words: TableWords(tables: tables))
        let rounding = text.split(separator: "\n").filter { $0.contains(".footing]") }
        #expect(!rounding.isEmpty)
        for line in rounding {
            #expect(!line.contains("表 T") && !line.contains("function:") && !line.contains("economic:") && line.contains("」行「"), "\(line)")
        }
        #expect(text.contains("表1 预算收支总表「本年支出合计」行「2025年合计」列"), "\(text)")
    }
}
