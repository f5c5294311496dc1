import BudgetCore

/// The checks of the disclosure data against the budget, as plain functions returning findings
/// (`Problem`s with a rule id, a severity, where, the value and a message). They are not yet
/// rules of a BudgetChecks rule set: that engine is being reworked, and these can be registered
/// there as they are.
///
/// | rule | severity | what |
/// | --- | --- | --- |
/// | `performance.unknown-project` | error | a sheet names a project that is not in projects.csv |
/// | `performance.project-without-targets` | warning (info for carry-over only) | a project has lines but no sheet |
/// | `performance.indicator-without-value` | warning | a 三级 indicator has no 指标值 |
/// | `performance.cost-above-amount` | warning | a 成本指标 states more money than the project's lines hold |
/// | `performance.year-funds` | warning | 年度资金总额 differs from the project's current-year lines, or is blank |
/// | `performance.funds-levels` | warning | a 资金总额 differs from the sum of its levels |
/// | `procurement.unknown-unit` / `procurement.unknown-project` | error | a figure names no unit / project of it |
/// | `procurement.above-lines` | warning | a figure exceeds the current-year lines it names |
public enum DisclosureChecks {
    /// Every check below, in the order of the table above.
    public static func all(budget: Budget, data: DisclosureData) -> [Problem] {
        var out = unknownProjects(budget: budget, data: data)
        out += projectsWithoutTargets(budget: budget, data: data)
        out += indicatorsWithoutValue(data: data)
        out += costAboveAmount(budget: budget, data: data)
        out += yearFundsAgainstLines(budget: budget, data: data)
        out += fundsLevels(data: data)
        out += procurement(budget: budget, data: data)
        return out
    }

    static func sheetLocation(_ t: PerformanceTarget, _ column: String? = nil) -> Location {
        Location(file: DisclosureFormat.targetsFile, column: column.map { "\($0)（表 \(t.sheet)）" } ?? "表 \(t.sheet)")
    }

    /// A sheet that names a project the budget does not have.
    public static func unknownProjects(budget: Budget, data: DisclosureData) -> [Problem] {
        let codes = Set(budget.projects.map(\.code))
        return (data.targets ?? []).compactMap { t in
            guard let p = t.project, !codes.contains(p) else { return nil }
            return Problem(rule: .performanceUnknownProject, location: sheetLocation(t, "project"), value: p,
                           message: "绩效目标表“\(t.name)”的项目 `\(p)` 不在 projects.csv 中")
        }
    }

    /// A project with lines and no performance target sheet. Rule: every project of the budget
    /// publishes its 绩效目标; a project funded only by 上年结转 usually keeps last year's, so it is
    /// only a hint.
    public static func projectsWithoutTargets(budget: Budget, data: DisclosureData) -> [Problem] {
        let covered = Set((data.targets ?? []).compactMap(\.project))
        var out: [Problem] = []
        for p in budget.projects where !covered.contains(p.code) {
            let current = projectTotal(budget, p, carryover: .currentYear)
            let carried = projectTotal(budget, p, carryover: .carriedOver)
            if current == .zero, carried == .zero { continue }
            let carryOnly = current == .zero
            out.append(Problem(
                rule: .performanceProjectWithoutTargets, severity: carryOnly ? .info : .warning,
                location: Location(file: "projects.csv", column: "code"), value: p.code,
                message: carryOnly
                    ? "项目 \(p.code) \(p.name) 只有上年结转 \(wan(carried)) 万元，没有绩效目标表（结转项目通常沿用上年的绩效目标，请确认）"
                    : "项目 \(p.code) \(p.name) 有本年预算 \(wan(current)) 万元，但没有绩效目标表"))
        }
        return out
    }

    /// A 三级 indicator with an empty 指标值.
    public static func indicatorsWithoutValue(data: DisclosureData) -> [Problem] {
        var out: [Problem] = []
        for t in data.targets ?? [] {
            for (g, side, i) in t.allIndicators where i.value.isEmpty {
                out.append(Problem(rule: .performanceIndicatorWithoutValue, severity: .warning,
                                   location: Location(file: DisclosureFormat.indicatorsFile, column: "value（表 \(t.sheet)）"),
                                   value: i.name,
                                   message: "“\(t.name)”\(side.rawValue)的三级指标 \(g.level1) / \(g.level2) / \(i.name) 没有指标值"))
            }
        }
        return out
    }

    /// A 成本指标 whose value is an amount of money (`≥7500万元`, `≈12894.61万元`, `≤6000元`,
    /// `2.605975亿元`) above the project's lines (both years). Unit costs such as `4万元/亩` or
    /// `592元/人/月` are not totals and are not compared; a sheet without a project has no amount.
    public static func costAboveAmount(budget: Budget, data: DisclosureData) -> [Problem] {
        var out: [Problem] = []
        for t in data.targets ?? [] {
            guard let code = t.project, let p = budget.projects.first(where: { $0.code == code }) else { continue }
            let amount = projectTotal(budget, p, carryover: nil)
            for (g, side, i) in t.allIndicators where g.isCost {
                guard let cost = costAmount(i.value), cost > amount else { continue }
                out.append(Problem(rule: .performanceCostAboveAmount, severity: .warning,
                                   location: Location(file: DisclosureFormat.indicatorsFile, column: "value（表 \(t.sheet)）"),
                                   value: i.value,
                                   message: "“\(t.name)”\(side.rawValue)的成本指标 \(i.name) 为 \(i.value)，超过项目 \(code) 的预算 \(wan(amount)) 万元"))
            }
        }
        return out
    }

    /// The sheet's 年度资金总额 against the project's current-year lines: they must agree, and a blank
    /// figure is reported too (the seed's sheets print 0 for every project, a fault this finds).
    public static func yearFundsAgainstLines(budget: Budget, data: DisclosureData) -> [Problem] {
        var out: [Problem] = []
        for t in data.targets ?? [] {
            guard let code = t.project, let p = budget.projects.first(where: { $0.code == code }) else { continue }
            let lines = projectTotal(budget, p, carryover: .currentYear)
            guard let year = t.yearFunds.total.money else {
                out.append(Problem(rule: .performanceYearFunds, severity: .warning, location: sheetLocation(t, "year_total"),
                                   message: "“\(t.name)”没有填年度资金总额（项目 \(code) 本年预算 \(lines.yuanText) 元）"))
                continue
            }
            if year != lines {
                out.append(Problem(rule: .performanceYearFunds, severity: .warning, location: sheetLocation(t, "year_total"),
                                   value: t.yearFunds.total.text,
                                   message: "“\(t.name)”的年度资金总额 \(t.yearFunds.total.text)（\(year.yuanText) 元）与项目 \(code) 本年预算 \(lines.yuanText) 元不一致"))
            }
        }
        return out
    }

    /// A 资金总额 that differs from the sum of its five levels (either column of the sheet).
    public static func fundsLevels(data: DisclosureData) -> [Problem] {
        var out: [Problem] = []
        for t in data.targets ?? [] {
            for (funds, column, label) in [(t.periodFunds, "period_total", "实施期"), (t.yearFunds, "year_total", "年度")] {
                guard let total = funds.total.money else { continue }
                var sum = Money.zero, any = false
                for l in FundLevel.allCases { if let m = funds[l].money { sum = add(sum, m); any = true } }
                if any, sum != total {
                    out.append(Problem(rule: .performanceFundsLevels, severity: .warning, location: sheetLocation(t, column),
                                       value: funds.total.text,
                                       message: "“\(t.name)”的\(label)资金总额 \(total.yuanText) 元不等于各级资金之和 \(sum.yuanText) 元"))
                }
            }
        }
        return out
    }

    /// Procurement figures against the units, projects and current-year lines they name.
    public static func procurement(budget: Budget, data: DisclosureData) -> [Problem] {
        var out: [Problem] = []
        let file = DisclosureFormat.procurementFile
        for l in data.procurement ?? [] {
            guard budget.unit(l.unit) != nil else {
                out.append(Problem(rule: .procurementUnknownUnit, location: Location(file: file, column: "unit"), value: l.unit,
                                   message: "单位 `\(l.unit)` 不在 units.csv 中"))
                continue
            }
            if let p = l.project, !budget.projects.contains(where: { $0.code == p && $0.unit == l.unit }) {
                out.append(Problem(rule: .procurementUnknownProject, location: Location(file: file, column: "project"), value: p,
                                   message: "项目 `\(p)` 不是单位 `\(l.unit)` 的项目"))
                continue
            }
            var lines = Money.zero
            for i in budget.items where i.unit == l.unit && i.carryover == .currentYear
                && (l.project == nil || i.project == l.project) && (l.economic == nil || i.economic == l.economic) {
                lines = add(lines, i.amount)
            }
            if l.amount > lines {
                let scope = [l.project.map { "项目 \($0)" }, l.economic.map { "经济分类 \($0)" }].compactMap { $0 }.joined(separator: "、")
                out.append(Problem(rule: .procurementAboveLines, severity: .warning, location: Location(file: file, column: "amount"),
                                   value: l.amount.yuanText,
                                   message: "\(l.kind.rawValue)\(l.category.map { "（\($0.rawValue)）" } ?? "") \(l.amount.yuanText) 元超过单位 \(l.unit)\(scope.isEmpty ? "" : " " + scope) 的本年预算 \(lines.yuanText) 元"))
            }
        }
        return out
    }

    // MARK: Helpers

    /// The project's lines, of one carry-over kind or (nil) both.
    static func projectTotal(_ budget: Budget, _ p: Project, carryover: Carryover?) -> Money {
        var sum = Money.zero
        for i in budget.items where i.project == p.code && i.unit == p.unit && (carryover == nil || i.carryover == carryover) {
            sum = add(sum, i.amount)
        }
        return sum
    }

    /// Saturating sum: a total beyond Int64 分 is far above any figure it is compared with.
    static func add(_ a: Money, _ b: Money) -> Money {
        let (s, o) = a.fen.addingReportingOverflow(b.fen)
        return Money(fen: o ? .max : s)
    }

    static func wan(_ m: Money) -> String { Money.hundredthsText(m.wanHundredths) }

    /// The money a cost value states, or nil when it is not a plain total: an optional comparison
    /// sign (≥ ≤ ≈ ＝ < > =), a decimal, then 元, 万元 or 亿元, and nothing after. The number goes
    /// through the one amount parser (`Money.parse`); 亿元 is read as 万元 × 10^4. A figure past the
    /// parser's limit is still a (huge) cost: it comes back as `Money(fen: .max)`, so the comparison
    /// with the project's amount reports it rather than ignoring it.
    public static func costAmount(_ value: String) -> Money? {
        var s = Substring(value.trimmingSpaces)
        if let f = s.first, "≥≤≈＝=<>＜＞".contains(f) { s = s.dropFirst() }
        let units: [(String, AmountUnit, Int64)] = [("亿元", .wan, 10_000), ("万元", .wan, 1), ("元", .yuan, 1)]
        guard let (suffix, unit, times) = units.first(where: { s.hasSuffix($0.0) }) else { return nil }
        let number = s.dropLast(suffix.count)
        guard !number.isEmpty else { return nil }
        let money: Money
        do { money = try Money.parse(number, unit: unit) } catch {
            if case .overflow = error { return Money(fen: .max) }
            return nil
        }
        let (fen, o) = money.fen.multipliedReportingOverflow(by: times)
        return Money(fen: o ? .max : fen)
    }
}
