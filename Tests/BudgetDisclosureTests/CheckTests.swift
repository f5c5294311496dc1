import BudgetCore
import BudgetDisclosure
import Testing

@Suite("Disclosure checks")
struct CheckTests {
    /// A budget with one unit and one project P1 of 100 万元 this year, and project P2 of 10 万元 carried over.
    static func budget() -> Budget {
        Budget(department: "测试局", year: 2025, units: [BudgetUnit(code: "U", name: "测试局", type: .administrative)],
               projects: [Project(code: "P1", unit: "U", name: "项目一", category: .specificGoal),
                          Project(code: "P2", unit: "U", name: "项目二", category: .operating)],
               items: [LineItem(unit: "U", function: "2200199", economic: "30201", kind: .project, project: "P1", amount: Money(fen: 100_000_000)),
                       LineItem(unit: "U", function: "2200199", economic: "30201", carryover: .carriedOver, kind: .project, project: "P2",
                                amount: Money(fen: 10_000_000))])
    }

    static func target(_ cost: String = "≤100万元", year: String = "1000000", indicator: String = "≥90%") throws -> PerformanceTarget {
        var t = PerformanceTarget(sheet: "S1", project: "P1", name: "项目一")
        t.yearFunds.total = try PrintedAmount(year)
        t.yearFunds[.cityCounty] = try PrintedAmount(year)
        t.indicators = [IndicatorGroup(level1: "产出指标", level2: "成本指标", period: [Indicator(name: "经费", value: cost)]),
                        IndicatorGroup(level1: "满意度指标", level2: "服务对象满意度", period: [Indicator(name: "满意度", value: indicator)])]
        return t
    }

    @Test("a clean sheet passes; the carried-over project without a sheet is a hint")
    func clean() throws {
        let found = DisclosureChecks.all(budget: CheckTests.budget(), data: DisclosureData(targets: [try CheckTests.target()]))
        #expect(found.map(\.rule.rawValue) == ["performance.project-without-targets"])
        #expect(found.first?.severity == .info)
        #expect(found.first?.value == "P2")
    }

    @Test("a project line without targets")
    func withoutTargets() {
        let found = DisclosureChecks.projectsWithoutTargets(budget: CheckTests.budget(), data: DisclosureData(targets: []))
        #expect(found.map(\.value) == ["P1", "P2"])
        #expect(found.map(\.severity) == [.warning, .info])
        #expect(found[0].message == "项目 P1 项目一 有本年预算 100.00 万元，但没有绩效目标表")
    }

    @Test("a 三级 indicator without a value")
    func withoutValue() throws {
        let found = DisclosureChecks.indicatorsWithoutValue(data: DisclosureData(targets: [try CheckTests.target(indicator: "")]))
        #expect(found.map(\.value) == ["满意度"])
        #expect(found.first?.message == "“项目一”实施期的三级指标 满意度指标 / 服务对象满意度 / 满意度 没有指标值")
    }

    @Test("a 成本指标 above the project's amount; unit costs are not compared")
    func costAbove() throws {
        let b = CheckTests.budget()
        for (value, flagged) in [("≥100万元", false), ("≥100.01万元", true), ("1000001元", true), ("0.02亿元", true),
                                 ("≈0.01亿元", false), ("4万元/亩", false), ("592元/人/月", false), ("很多", false)] {
            let found = DisclosureChecks.costAboveAmount(budget: b, data: DisclosureData(targets: [try CheckTests.target(value)]))
            #expect(found.count == (flagged ? 1 : 0), "\(value)")
        }
        #expect(DisclosureChecks.costAmount("2.605975亿元") == Money(fen: 26_059_750_000))
        #expect(DisclosureChecks.costAmount("≤6000元") == Money(fen: 600_000))
        #expect(DisclosureChecks.costAmount("0.001元") == nil)
        #expect(DisclosureChecks.costAmount("99999999999999999999亿元") == Money(fen: .max))
        // The one amount parser's rules, as everywhere: full-width digits, separators every three digits.
        #expect(DisclosureChecks.costAmount("≤１２３４元") == Money(fen: 123_400))
        #expect(DisclosureChecks.costAmount("1,000,001元") == Money(fen: 100_000_100))
        #expect(DisclosureChecks.costAmount("1,00,001元") == nil)
        #expect(try PrintedAmount("１２３４").money == Money(fen: 123_400))
        #expect(throws: PrintedAmountError.self) { try PrintedAmount("12,3456") }
        #expect(try PrintedAmount("3,000,000").money == Money(fen: 300_000_000))
    }

    @Test("the year's funds against the project's lines, and the levels against the total")
    func yearFunds() throws {
        let b = CheckTests.budget()
        #expect(DisclosureChecks.yearFundsAgainstLines(budget: b, data: DisclosureData(targets: [try CheckTests.target()])).isEmpty)
        let wrong = DisclosureChecks.yearFundsAgainstLines(budget: b, data: DisclosureData(targets: [try CheckTests.target(year: "0")]))
        #expect(wrong.first?.message == "“项目一”的年度资金总额 0（0.00 元）与项目 P1 本年预算 1000000.00 元不一致")
        let blank = DisclosureChecks.yearFundsAgainstLines(budget: b, data: DisclosureData(targets: [try CheckTests.target(year: "")]))
        #expect(blank.map(\.rule.rawValue) == ["performance.year-funds"])
        var t = try CheckTests.target()
        t.yearFunds[.central] = try PrintedAmount("1")
        #expect(DisclosureChecks.fundsLevels(data: DisclosureData(targets: [t])).map(\.rule.rawValue) == ["performance.funds-levels"])
    }

    @Test("procurement figures against units, projects and lines")
    func procurement() {
        let b = CheckTests.budget()
        let lines = [ProcurementLine(unit: "X", category: .goods, amount: Money(fen: 1)),
                     ProcurementLine(unit: "U", project: "P9", category: .goods, amount: Money(fen: 1)),
                     ProcurementLine(unit: "U", project: "P1", category: .goods, amount: Money(fen: 100_000_001)),
                     ProcurementLine(unit: "U", project: "P1", economic: "30201", category: .goods, amount: Money(fen: 100_000_000))]
        #expect(DisclosureChecks.procurement(budget: b, data: DisclosureData(procurement: lines)).map(\.rule.rawValue)
            == ["procurement.unknown-unit", "procurement.unknown-project", "procurement.above-lines"])
    }

    @Test("the demo: what the checks find in the seed's own sheets")
    func demo() throws {
        let found = DisclosureChecks.all(budget: try demoBudget(), data: try demoData())
        // The seed prints 年度资金总额 0 on every sheet while the projects have their money this year.
        #expect(found.filter { $0.rule == .performanceYearFunds }.count == 6)
        // The carried-over 地质灾害综合治理项目 has no sheet.
        #expect(found.filter { $0.rule == .performanceProjectWithoutTargets }.map(\.value) == ["P07"])
        #expect(!found.contains { $0.severity == .error })
        #expect(found.count == 7, "\(found.map(\.description))")
    }
}
