import BudgetCore

/// 政府采购 and 政府购买服务 figures of the budget (section 九 and 十二（一）).
///
/// Kept apart from the line items on purpose: a procurement figure names the lines it comes out of
/// by unit, and optionally project and economic 款, rather than being a field of each line. The
/// integrated systems hand out the line items without procurement data, the clerk adds it from the
/// 政府采购预算 sheet, and that sheet is kept at this grain (the seed prints only department
/// totals). A check compares each figure with the lines it names, so a figure can never exceed them.
public struct ProcurementLine: Hashable, Sendable {
    /// 预算单位 code.
    public var unit: String
    /// The project code, or nil for a figure of the unit's basic lines or of the whole unit.
    public var project: String?
    /// 部门预算支出经济分类 款 (5 digits), or nil for any.
    public var economic: String?
    public var kind: ProcurementKind
    /// 货物 / 工程 / 服务 for 政府采购; nil for 政府购买服务.
    public var category: ProcurementCategory?
    public var amount: Money
    public var memo: String

    public init(unit: String, project: String? = nil, economic: String? = nil, kind: ProcurementKind = .procurement,
                category: ProcurementCategory?, amount: Money, memo: String = "") {
        self.unit = unit; self.project = project; self.economic = economic; self.kind = kind
        self.category = category; self.amount = amount; self.memo = memo
    }

    /// The order procurement.csv is written in.
    public static func canonicalOrder(_ a: ProcurementLine, _ b: ProcurementLine) -> Bool {
        if a.kind != b.kind { return a.kind.rank < b.kind.rank }
        if a.unit != b.unit { return a.unit < b.unit }
        if (a.project ?? "") != (b.project ?? "") { return (a.project ?? "") < (b.project ?? "") }
        if (a.economic ?? "") != (b.economic ?? "") { return (a.economic ?? "") < (b.economic ?? "") }
        let ca = a.category?.rank ?? -1, cb = b.category?.rank ?? -1
        if ca != cb { return ca < cb }
        if a.amount != b.amount { return a.amount < b.amount }
        return a.memo < b.memo
    }
}

/// 政府采购 (a purchase under the procurement law) or 政府购买服务 (a service bought from a supplier).
public enum ProcurementKind: String, CaseIterable, Hashable, Sendable {
    case procurement = "政府采购"
    case purchasedService = "政府购买服务"
    var rank: Int { self == .procurement ? 0 : 1 }
}

/// 政府采购 category, in the order section 九 names them.
public enum ProcurementCategory: String, CaseIterable, Hashable, Sendable {
    case goods = "货物"
    case works = "工程"
    case services = "服务"
    var rank: Int { ProcurementCategory.allCases.firstIndex(of: self)! }
}

/// The department's procurement figures summed as section 九 and 十二（一） print them.
public struct ProcurementSummary: Hashable, Sendable {
    /// 政府采购预算总额.
    public var total: Money
    public var byCategory: [ProcurementCategory: Money]
    /// 政府购买服务预算.
    public var purchasedServices: Money

    public init(_ lines: [ProcurementLine]) {
        var total = Money.zero, services = Money.zero
        var by: [ProcurementCategory: Money] = [:]
        for l in lines {
            switch l.kind {
            case .procurement:
                total += l.amount
                if let c = l.category { by[c, default: .zero] += l.amount }
            case .purchasedService:
                services += l.amount
            }
        }
        self.total = total; byCategory = by; purchasedServices = services
    }

    public subscript(category: ProcurementCategory) -> Money { byCategory[category] ?? .zero }
}
