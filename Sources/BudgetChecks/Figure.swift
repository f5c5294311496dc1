import BudgetCore
import BudgetTables

/// A set of roll-up nodes whose figures a rule adds up.
public enum NodeSet: Sendable, Hashable {
    /// Every project node (单位 × 项目) the lines reach: what tables 12 and 13 print.
    case projects
    /// The units of the unit table that are 行政 or 参公 (table 11's rows).
    case organUnits
    /// Every unit of the unit table.
    case declaredUnits
    /// The listed function codes (e.g. the thirty 类 table 1 prints as fixed rows).
    case functions([String])
    /// The listed department economic codes (e.g. the 三公 款).
    case economics([String])

    var label: String {
        switch self {
        case .projects: return "各项目"
        case .organUnits: return "行政及参公单位"
        case .declaredUnits: return "单位表中的各单位"
        case .functions(let c): return c.count > 4 ? "功能分类 \(c.count) 个科目" : "功能分类 " + c.joined(separator: "、")
        case .economics(let c): return "经济分类 " + c.joined(separator: "、")
        }
    }
}

/// One figure a rule compares: a node of the roll-up over a measure, a set of nodes, the revenue
/// of a source, or a printed cell of a disclosure table (exact amount in 分).
public enum Figure: Sendable, Hashable {
    case node(RollupNode, Measure, label: String)
    case nodes(NodeSet, Measure, label: String)
    /// 收入: the revenue lines of one source (tables 7 and 9).
    case revenue(Source)
    /// A cell of a computed table: (table key, row key, column key).
    case table(table: String, row: String, column: String)

    /// Where the figure comes from, for the report: `表 T3 行 合计 列 project` or `部门 项目支出`.
    public var location: String {
        switch self {
        case .node(_, _, let label), .nodes(_, _, let label): return label
        case .revenue(let s): return "\(s.name)收入（收入明细）"
        case .table(let t, let r, let c): return "表 \(t) 行 \(r) 列 \(c)"
        }
    }

    var tableKey: String? { if case .table(let t, _, _) = self { return t } else { return nil } }
}

/// What the figures are evaluated against: the budget, its roll-up and (when built) its tables.
public struct CheckContext: Sendable {
    public var budget: Budget
    public var rollup: Rollup
    /// The computed tables by key; a rule about a table that is absent is reported as not evaluated.
    public var tables: [String: DisclosureTable]
    /// The stored ids of `budget.items` (same order), for the report; nil uses the position (1-based).
    public var itemIDs: [Int64]?
    /// The prior year, for rules that compare with it.
    public var prior: Budget?
    public var priorRollup: Rollup?

    /// `rollup` and `priorRollup` are the roll-ups of `budget` and `prior` when the caller has them
    /// already (the server keeps one live); otherwise they are built here.
    public init(budget: Budget, tables: [DisclosureTable] = [], itemIDs: [Int64]? = nil, prior: Budget? = nil,
                rollup: Rollup? = nil, priorRollup: Rollup? = nil) {
        self.budget = budget
        self.rollup = rollup ?? Rollup(budget: budget)
        self.tables = Dictionary(tables.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        self.itemIDs = itemIDs
        self.prior = prior
        self.priorRollup = priorRollup ?? prior.map { Rollup(budget: $0) }
    }

    /// The id shown for the item at a position.
    public func itemID(_ index: Int) -> Int64 {
        if let ids = itemIDs, index < ids.count { return ids[index] }
        return Int64(index + 1)
    }

    /// The exact value of a figure; nil when it reads a table that was not built, or a cell the table lacks.
    func value(_ f: Figure, prior usePrior: Bool = false) -> Money? {
        let r: Rollup, b: Budget
        if usePrior {
            guard let pr = priorRollup, let pb = prior else { return nil }
            r = pr; b = pb
        } else {
            r = rollup; b = budget
        }
        switch f {
        case .node(let n, let m, _):
            return r.total(n, m)
        case .nodes(let set, let m, _):
            return Figure.sum(set, m, rollup: r, budget: b)
        case .revenue(let s):
            return b.revenue.filter { $0.source == s }.reduce(Money.zero) { $0 + $1.amount }
        case .table(let t, let row, let column):
            if usePrior { return nil }
            return tables[t]?.amount(row: row, column: column)
        }
    }
}

extension Figure {
    static func sum(_ set: NodeSet, _ m: Measure, rollup: Rollup, budget: Budget) -> Money {
        var t = Money.zero
        switch set {
        case .projects:
            for p in rollup.projectNodes { t += rollup.total(.project(unit: p.unit, code: p.code), m) }
        case .organUnits:
            for u in budget.units where u.type.isOrgan { t += rollup.total(.unit(u.code), m) }
        case .declaredUnits:
            for u in budget.units { t += rollup.total(.unit(u.code), m) }
        case .functions(let codes):
            for c in codes { t += rollup.total(.function(c), m) }
        case .economics(let codes):
            for c in codes { t += rollup.total(.economic(c), m) }
        }
        return t
    }
}
