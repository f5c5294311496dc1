import BudgetCore

/// 增减率 and 占比 in hundredths of a percent, from printed figures (see `PriorChange`).
public enum Percent {
    /// part / whole × 100 of the printed figures (万元 to 0.01, as `Money.wanHundredths` rounds them),
    /// in hundredths of a percent, rounded once, half up; nil when the printed whole is 0.00.
    /// A reader checks `占40.79%` against the printed 5,500.87 and 13,487.42, so the share is theirs.
    public static func share(_ part: Money, of whole: Money) -> Int64? {
        ratio(part.wanHundredths, whole.wanHundredths)
    }

    /// n / d × 10000 rounded half away from zero (四舍五入), without overflow for any 64-bit values.
    static func ratio(_ n: Int64, _ d: Int64) -> Int64? {
        guard d != 0 else { return nil }
        let negative = (n < 0) != (d < 0)
        let nm = n.magnitude, dm = d.magnitude
        let wide = nm.multipliedFullWidth(by: 10_000)
        guard wide.high < dm else { return negative ? Int64.min : Int64.max }
        let (q, r) = dm.dividingFullWidth(wide)
        var v = q
        if r >= dm - r { v += 1 }   // r*2 >= d, written without overflow
        let clipped = Int64(clamping: v)
        return negative ? -clipped : clipped
    }

    /// `55.33`, `-3.67`; nil prints "—" (the prior year is zero).
    public static func text(_ hundredths: Int64?) -> String {
        guard let h = hundredths else { return "—" }
        return Money.hundredthsText(h)
    }
}

/// 增减额 and 增减率 of one figure against the prior year, as printed: the one place the comparison,
/// the narrative and the browser workbench (through the server) take them from.
///
/// The rule: readers and the disclosure checkers check printed figures against each other (the seed's
/// narrative: 13,487.42 − 30,190.54 = −16,703.12, and −16,703.12 / 30,190.54 = −55.33%), so
/// - 上年数 and 本年数 are the printed 万元 figures: exact 分 rounded once, half up, to 0.01 万元
///   (`Money.wanHundredths`);
/// - 增减额 = printed 本年数 − printed 上年数, exactly (no second rounding);
/// - 增减率 = 增减额 / printed 上年数 × 100, rounded once, half up (away from zero), to two decimals;
///   none ("—") when the printed 上年数 is 0.00.
public struct PriorChange: Sendable, Hashable {
    /// Printed 上年数 and 本年数, in hundredths of a 万元.
    public var prior: Int64
    public var current: Int64
    /// 增减额 in hundredths of a 万元.
    public var change: Int64 { current - prior }
    /// 增减率 in hundredths of a percent; nil where the printed prior year is 0.00.
    public var rate: Int64? { Percent.ratio(change, prior) }

    public init(prior: Money, current: Money) {
        self.prior = prior.wanHundredths
        self.current = current.wanHundredths
    }

    /// From figures already printed in hundredths of their unit (the workbench also prints in 元,
    /// where the printed figure is the exact 分): the same 增减额 and 增减率 rule on those figures.
    public init(printedPrior: Int64, printedCurrent: Int64) {
        self.prior = printedPrior
        self.current = printedCurrent
    }

    /// The printed prior year's figure is 0.00 (a rate has no meaning then).
    public var priorIsZero: Bool { prior == 0 }

    /// `-16703.12`: 增减额 as the comparison prints it.
    public var changeText: String { Money.hundredthsText(change) }
}

/// Whether a budget may serve as the prior year of another: "上年" is year − 1 of the same department.
///
/// A comparison with the same or a later year, or with another department, prints figures that
/// mean nothing ("2025 年与 2025 年对比", "比上年增加" with the years swapped, every 上年数 0.00), so it
/// is refused. An older year of the same department (a year skipped) or a renamed department may be
/// compared on purpose with `force`; a later or the same year never.
public enum PriorYearRule {
    /// Who and when a budget is: enough to check without reading its lines.
    public struct Identity: Sendable, Hashable {
        public var department: String
        public var departmentCode: String
        public var year: Int
        public init(department: String, departmentCode: String = "", year: Int) {
            self.department = department; self.departmentCode = departmentCode; self.year = year
        }
        public init(_ b: Budget) { self.init(department: b.department, departmentCode: b.departmentCode, year: b.year) }
    }

    /// Why a prior year was refused; the message names both budgets and what `--force` would allow.
    public struct Mismatch: Error, Sendable, CustomStringConvertible, Equatable {
        public var reasons: [String]
        /// True when `--force` may override every reason (an older year, another department).
        public var forceable: Bool
        public var description: String {
            "上年预算不对：" + reasons.joined(separator: "；") + (forceable ? "。确需这样对比时加 --force" : "")
        }
    }

    /// Nil when `prior` is the prior year of `current`; otherwise why not. With `force`, only a same or
    /// later year is refused.
    public static func check(current: Identity, prior: Identity, force: Bool = false) -> Mismatch? {
        var always: [String] = [], unlessForced: [String] = []
        if prior.year >= current.year {
            always.append("本年是 \(current.year) 年，--prior 给的是 \(prior.year) 年：上年预算应是 \(current.year - 1) 年的，不能是同一年或以后的年度（加 --force 也不行）")
        } else if prior.year != current.year - 1 {
            unlessForced.append("本年是 \(current.year) 年，--prior 给的是 \(prior.year) 年，不是上一年（\(current.year - 1) 年）")
        }
        let sameDepartment = !current.departmentCode.isEmpty && !prior.departmentCode.isEmpty
            ? current.departmentCode == prior.departmentCode : current.department == prior.department
        if !sameDepartment {
            func who(_ i: Identity) -> String { i.departmentCode.isEmpty ? "“\(i.department)”" : "“\(i.department)”（编码 \(i.departmentCode)）" }
            unlessForced.append("本年的部门是\(who(current))，--prior 的部门是\(who(prior))，不是同一部门")
        }
        let reasons = always + (force ? [] : unlessForced)
        return reasons.isEmpty ? nil : Mismatch(reasons: reasons, forceable: always.isEmpty)
    }
}

/// The budget against the prior year (上年数, 本年数, 增减额, 增减率) by total, source, kind,
/// function 类/款/项, economic 类 of basic expenditure, each "三公" item and 机关运行经费.
public struct PriorComparison: Sendable {
    public struct Row: Sendable, Hashable {
        public var section: String
        public var code: String
        public var name: String
        /// 0 for a 类 or a top-level item, 1 for a 款, 2 for a 项.
        public var level: Int
        /// Exact amounts, in 分.
        public var prior: Money
        public var current: Money
        /// The figures as printed, with 增减额 and 增减率 computed from them (`PriorChange`).
        public var printed: PriorChange { PriorChange(prior: prior, current: current) }
        /// 增减额 in hundredths of a 万元: printed 本年数 − printed 上年数.
        public var change: Int64 { printed.change }
        /// 增减率 in hundredths of a percent; nil where the printed prior year is 0.00.
        public var rate: Int64? { printed.rate }
    }

    public var department: String
    public var year: Int
    public var priorYear: Int
    public var rows: [Row]
    /// Sections in order.
    public var sections: [String]
    /// A 类 moving by more than the threshold, "三公" above the prior year.
    public var warnings: [String]
    public var thresholdPercent: Int

    public static let threePublic: [(name: String, codes: [String])] = [
        ("因公出国（境）费", ["30212"]),
        ("公务接待费", ["30217"]),
        ("公务用车购置及运行费", ["31013", "30231"]),
        ("①公务用车购置费", ["31013"]),
        ("②公务用车运行维护费", ["30231"]),
        ("合计", ["30212", "30217", "31013", "30231"]),
    ]

    /// "三公"经费 = 30212, 30217, 31013, 30231 from 财政拨款, current year, basic and project alike (docs/domain.md).
    public static let threePublicMeasure = Measure(sources: Measure.fiscalSources, carryover: [.currentYear])
    /// 机关运行经费 = 公用经费 of basic lines from 财政拨款, current year, in 行政 and 参公 units only.
    public static let organOperationMeasure = Measure(sources: Measure.fiscalSources, carryover: [.currentYear],
                                                      kinds: [.basic], natures: [.publicUse])

    public static func organOperation(_ r: Rollup, _ b: Budget) -> Money {
        b.units.filter(\.type.isOrgan).reduce(Money.zero) { $0 + r.total(.unit($1.code), organOperationMeasure) }
    }

    public static func threePublicTotal(_ r: Rollup, codes: [String]) -> Money {
        codes.reduce(Money.zero) { $0 + r.total(.economic($1), threePublicMeasure) }
    }

    /// `rollups` are the two budgets' roll-ups when the caller has them (a workspace's kept
    /// subtotals: `current` and `prior` may then come without their lines); otherwise built here.
    public init(current: Budget, prior: Budget, thresholdPercent: Int = 50, rollups: (current: Rollup, prior: Rollup)? = nil) {
        department = current.department
        year = current.year
        priorYear = prior.year
        self.thresholdPercent = thresholdPercent
        let cr = rollups?.current ?? Rollup(budget: current), pr = rollups?.prior ?? Rollup(budget: prior)
        var rows: [Row] = []
        var sections: [String] = []
        func add(_ section: String, _ code: String, _ name: String, _ level: Int, _ p: Money, _ c: Money) {
            if sections.last != section { sections.append(section) }
            rows.append(Row(section: section, code: code, name: name, level: level, prior: p, current: c))
        }
        func node(_ n: RollupNode, _ m: Measure) -> (Money, Money) { (pr.total(n, m), cr.total(n, m)) }

        var s = "收支总计"
        for (name, m) in [("收入总计（支出总计）", Measure.all), ("本年收入", Measure(carryover: [.currentYear])),
                          ("上年结转", Measure(carryover: [.carriedOver])),
                          ("财政拨款", Measure(sources: Measure.fiscalSources)),
                          ("一般公共预算当年支出", Measure(sources: [.generalPublic], carryover: [.currentYear]))] {
            let (p, c) = node(.department, m)
            add(s, "", name, 0, p, c)
        }
        s = "按资金来源（本年收入）"
        for src in Source.allCases {
            let (p, c) = node(.department, Measure(sources: [src], carryover: [.currentYear]))
            add(s, "", src.name, 0, p, c)
        }
        s = "基本支出与项目支出"
        for k in ExpenditureKind.allCases {
            let (p, c) = node(.department, Measure(kinds: [k]))
            add(s, "", k.name, 0, p, c)
        }
        s = "按支出功能分类"
        let fcodes = Set(cr.functionCodes).union(pr.functionCodes).sorted()
        for code in fcodes {
            let (p, c) = node(.function(code), .all)
            if p == .zero && c == .zero { continue }
            let name = current.codes.name(.function, code) ?? prior.codes.name(.function, code) ?? "（未知科目）"
            add(s, code, name, CodeSet.function.levels.firstIndex(of: code.count) ?? 0, p, c)
        }
        s = "基本支出按经济分类（类）"
        let basic = Measure(kinds: [.basic])
        for code in Set(cr.economicCodes).union(pr.economicCodes).sorted() where CodeSet.economic.isClass(code) {
            let (p, c) = node(.economic(code), basic)
            if p == .zero && c == .zero { continue }
            add(s, code, current.codes.name(.economic, code) ?? prior.codes.name(.economic, code) ?? "（未知科目）", 0, p, c)
        }
        s = "“三公”经费（财政拨款，当年）"
        for item in PriorComparison.threePublic {
            add(s, item.codes.count == 1 ? item.codes[0] : "", item.name, 0,
                PriorComparison.threePublicTotal(pr, codes: item.codes), PriorComparison.threePublicTotal(cr, codes: item.codes))
        }
        s = "机关运行经费"
        add(s, "", "机关运行经费（财政拨款）", 0, PriorComparison.organOperation(pr, prior), PriorComparison.organOperation(cr, current))
        self.rows = rows
        self.sections = sections

        var warnings: [String] = []
        // From the printed figures, as the warning quotes them.
        for r in rows where r.section == "按支出功能分类" && r.level == 0 {
            let p = r.printed
            if p.priorIsZero {
                warnings.append("功能分类 \(r.code) \(r.name) 上年无预算，本年新增 \(r.current.wanText) 万元")
            } else if PriorComparison.exceeds(p.change.magnitude, p.prior.magnitude, percent: thresholdPercent) {
                warnings.append("功能分类 \(r.code) \(r.name) 变动 \(Percent.text(r.rate))%，超过 ±\(thresholdPercent)%（上年 \(Money.hundredthsText(p.prior)) 万元，本年 \(Money.hundredthsText(p.current)) 万元）")
            }
        }
        // Any rise counts ("三公" must not rise), even one the 万元 figures do not show: then in 元.
        if let t = rows.last(where: { $0.section.hasPrefix("“三公”") && $0.name == "合计" }), t.current > t.prior {
            let p = t.printed
            warnings.append(p.change > 0
                ? "“三公”经费高于上年：本年 \(Money.hundredthsText(p.current)) 万元，上年 \(Money.hundredthsText(p.prior)) 万元"
                : "“三公”经费高于上年：本年 \(t.current.yuanText) 元，上年 \(t.prior.yuanText) 元（万元印刷数相同）")
        }
        self.warnings = warnings
    }

    /// moved / base > percent / 100, exactly.
    static func exceeds(_ moved: UInt64, _ base: UInt64, percent: Int) -> Bool {
        let l = moved.multipliedFullWidth(by: 100), r = base.multipliedFullWidth(by: UInt64(max(0, percent)))
        return l.high != r.high ? l.high > r.high : l.low > r.low
    }

    /// The row of a section by name (or code).
    public func row(_ section: String, _ nameOrCode: String) -> Row? {
        rows.first { $0.section == section && ($0.name == nameOrCode || (!$0.code.isEmpty && $0.code == nameOrCode)) }
    }

    /// The comparison as aligned text in 万元.
    public func renderText() -> String {
        var out = "\(department) \(year) 年预算与 \(priorYear) 年对比（单位：万元）\n"
        for sec in sections {
            out += "\n\(sec)\n"
            var table = [["编码", "项目", "上年数", "本年数", "增减额", "增减率（%）"]]
            for r in rows where r.section == sec {
                let p = r.printed
                table.append([r.code, String(repeating: "  ", count: r.level) + r.name, Money.hundredthsText(p.prior),
                              Money.hundredthsText(p.current), p.changeText, Percent.text(p.rate)])
            }
            out += TextTable.render(table, rightAligned: [2, 3, 4, 5])
        }
        if !warnings.isEmpty {
            out += "\n警告：\n" + warnings.map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        return out
    }
}
