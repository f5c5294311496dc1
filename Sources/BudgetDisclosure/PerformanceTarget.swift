import BudgetCore

/// 项目支出绩效目标表: the performance targets of one project, as the county's sheet prints them.
///
/// Every text is kept exactly as the clerk wrote it (the published sheets carry their own
/// wording, even a project name that differs from the budget's); only the funds are also read
/// as amounts, so the checks can compare them with the project's lines.
public struct PerformanceTarget: Hashable, Sendable {
    /// The sheet's id in the workbook folder (indicators.csv refers to it), e.g. `T01`.
    public var sheet: String
    /// The project's code in projects.csv, or nil for a sheet of a project that has no lines this
    /// year (the seed publishes four such sheets, all funds 0).
    public var project: String?
    /// The sheet's title, e.g. `泽州县县(区)级预算部门(单位)项目支出绩效目标表` (some print 申报表).
    public var title: String
    /// 项目名称, as printed on the sheet.
    public var name: String
    /// 主管部门及代码, e.g. `080-泽州县自然资源局`.
    public var department: String
    /// 实施单位.
    public var implementingUnit: String
    /// 项目属性, e.g. `一次性项目(1年结束)` or `经常性项目(长期开展)`.
    public var attribute: String
    /// 项目期, e.g. `1年`.
    public var term: String
    /// 项目资金: 实施期资金总额 and its levels.
    public var periodFunds: ProjectFunds
    /// 项目资金: 年度资金总额 and its levels.
    public var yearFunds: ProjectFunds
    /// 项目概况.
    public var overview: String
    /// 立项依据.
    public var basis: String
    /// 项目设立必要性.
    public var necessity: String
    /// 保证项目实施的制度、措施.
    public var measures: String
    /// 项目实施计划.
    public var plan: String
    /// 总体目标: 实施期目标.
    public var periodGoal: String
    /// 总体目标: 年度目标.
    public var yearGoal: String
    /// 绩效指标: 一级 → 二级 → 三级, for the period and the year.
    public var indicators: [IndicatorGroup]
    /// The signature line: 负责人, 经办人, 联系电话, 填报日期.
    public var signature: Signature

    public init(sheet: String, project: String?, title: String = PerformanceTarget.defaultTitle, name: String,
                department: String = "", implementingUnit: String = "", attribute: String = "", term: String = "",
                periodFunds: ProjectFunds = ProjectFunds(), yearFunds: ProjectFunds = ProjectFunds(),
                overview: String = "", basis: String = "", necessity: String = "", measures: String = "",
                plan: String = "", periodGoal: String = "", yearGoal: String = "",
                indicators: [IndicatorGroup] = [], signature: Signature = Signature()) {
        self.sheet = sheet; self.project = project; self.title = title; self.name = name; self.department = department
        self.implementingUnit = implementingUnit; self.attribute = attribute; self.term = term
        self.periodFunds = periodFunds; self.yearFunds = yearFunds; self.overview = overview
        self.basis = basis; self.necessity = necessity; self.measures = measures; self.plan = plan
        self.periodGoal = periodGoal; self.yearGoal = yearGoal; self.indicators = indicators
        self.signature = signature
    }

    /// The title most of the seed's sheets print.
    public static let defaultTitle = "泽州县县(区)级预算部门(单位)项目支出绩效目标表"

    /// 负责人 / 经办人 / 联系电话 / 填报日期, printed under the sheet.
    public struct Signature: Hashable, Sendable {
        public var responsible: String
        public var handler: String
        public var phone: String
        /// 填报日期 as the system prints it, e.g. `20250117161320`.
        public var filledAt: String
        public init(responsible: String = "", handler: String = "", phone: String = "", filledAt: String = "") {
            self.responsible = responsible; self.handler = handler; self.phone = phone; self.filledAt = filledAt
        }
    }

    /// Every 三级 indicator of the sheet with its place in the tree, period side first.
    public var allIndicators: [(group: IndicatorGroup, side: IndicatorSide, indicator: Indicator)] {
        var out: [(IndicatorGroup, IndicatorSide, Indicator)] = []
        for side in IndicatorSide.allCases {
            for g in indicators { for i in g.indicators(side) { out.append((g, side, i)) } }
        }
        return out
    }
}

/// 项目资金 of one column of the sheet (实施期 or 年度): the total and its five levels.
public struct ProjectFunds: Hashable, Sendable {
    /// 资金总额.
    public var total: PrintedAmount
    /// 中央 / 省级 / 市县(区) / 单位自筹 / 其他, in `FundLevel.allCases` order.
    public var levels: [FundLevel: PrintedAmount]

    public init(total: PrintedAmount = .blank, levels: [FundLevel: PrintedAmount] = [:]) {
        self.total = total; self.levels = levels
    }

    public subscript(level: FundLevel) -> PrintedAmount {
        get { levels[level] ?? .blank }
        set { levels[level] = newValue.text.isEmpty ? nil : newValue }
    }
}

/// The five fund levels the sheet prints under 资金总额.
public enum FundLevel: String, CaseIterable, Hashable, Sendable {
    case central = "中央财政资金"
    case province = "省级财政资金"
    case cityCounty = "市县(区)财政资金"
    case unitOwn = "单位自筹"
    case other = "其他资金"
}

/// A figure of the sheet's 项目资金 block, kept as printed (`75000000`, `3,000,000`, `1000万元`,
/// or empty) together with its value in 分.
///
/// The column says 项目资金(元), but the seed's clerks wrote 万元 in it too (`244万元`); both
/// read exactly, and anything else is refused, so a figure never changes meaning silently.
public struct PrintedAmount: Hashable, Sendable, CustomStringConvertible {
    public let text: String
    /// Nil when the cell is empty.
    public let money: Money?

    public static let blank = PrintedAmount(uncheckedText: "", money: nil)

    private init(uncheckedText: String, money: Money?) { text = uncheckedText; self.money = money }

    /// Reads a printed figure; throws the reason it is not one.
    public init(_ text: String) throws(PrintedAmountError) {
        let t = text.trimmingSpaces
        if t.isEmpty { self = .blank; return }
        // The one amount parser (Money.parse): its thousands-separator rule, its limit.
        let (number, unit): (String, AmountUnit) = t.hasSuffix("万元") ? (String(t.dropLast(2)), .wan) : (t, .yuan)
        do { money = try Money.parse(number, unit: unit) } catch {
            if case .misplacedSeparator = error { throw .badGrouping(text) }
            throw .notAnAmount(text)
        }
        self.text = t
    }

    /// A figure printed as plain 元 from an amount: `75000000`, `49728`, `1.5` → `1.50`.
    public init(yuan money: Money) {
        let whole = money.fen % 100 == 0
        text = whole ? String(money.fen / 100) : money.yuanText
        self.money = money
    }

    public var description: String { text }

}

/// Why a 项目资金 text was refused; the reader adds the file, line and column.
public enum PrintedAmountError: Error, Equatable, Sendable, CustomStringConvertible {
    case notAnAmount(String)
    case badGrouping(String)
    public var description: String {
        switch self {
        case .notAnAmount(let s):
            return "`\(s)` 不是金额（写元，如 75000000 或 3,000,000，最多两位小数；或写万元，如 1000万元）"
        case .badGrouping(let s): return "`\(s)` 的千分位不对（应每三位一个逗号，如 3,000,000）"
        }
    }
}

/// Which column of the indicator block: 实施期 (the project's whole period) or 年度 (this year).
public enum IndicatorSide: String, CaseIterable, Hashable, Sendable {
    case period = "实施期"
    case year = "年度"
}

/// One 二级指标 under its 一级指标, with its 三级 indicators for the period and for the year.
///
/// A group with no 三级 on a side still prints its 二级 name there: the seed's sheets list every
/// 二级 in the 年度 column, most of them empty.
public struct IndicatorGroup: Hashable, Sendable {
    /// 一级指标: 产出指标, 效益指标, 满意度指标 ….
    public var level1: String
    /// 二级指标: 数量指标, 质量指标, 时效指标, 成本指标, 经济效益指标 ….
    public var level2: String
    public var period: [Indicator]
    public var year: [Indicator]

    public init(level1: String, level2: String, period: [Indicator] = [], year: [Indicator] = []) {
        self.level1 = level1; self.level2 = level2; self.period = period; self.year = year
    }

    public func indicators(_ side: IndicatorSide) -> [Indicator] { side == .period ? period : year }

    /// 成本指标: the 二级 whose figures the checks compare with the project's amount.
    public var isCost: Bool { level2.hasPrefix("成本指标") }
}

/// 三级指标 and its 指标值, as written (`≥18个`, `≈12894.61万元`, `100%`, `2025年年底`).
public struct Indicator: Hashable, Sendable {
    public var name: String
    public var value: String
    public init(name: String, value: String) { self.name = name; self.value = value }
}
