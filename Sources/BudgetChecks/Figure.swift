import BudgetCore
import BudgetTables

/// One figure a rule compares: nodes of the roll-up over a measure, the revenue of a source, or a
/// printed cell of a disclosure table (exact amount in 分).
public enum Figure: Sendable, Hashable {
    /// The sum of the nodes (NodeRef, the templates' own node names) over the measure.
    case nodes([NodeRef], Measure, label: String)
    /// 收入: the revenue lines of one source (tables 7 and 9 of the Shanxi set).
    case revenue(Source)
    /// A cell of a computed table: (table key, row key, column key).
    case table(table: String, row: String, column: String)

    /// Where the figure comes from, for the report: `表 T3 行 合计 列 project` or `部门合计 项目支出`.
    public var location: String {
        switch self {
        case .nodes(_, _, let label): return label
        case .revenue(let s): return "\(s.name)收入（收入明细）"
        case .table(let t, let r, let c): return "表 \(t) 行 \(r) 列 \(c)"
        }
    }

    var tableKey: String? { if case .table(let t, _, _) = self { return t } else { return nil } }

    /// A list of nodes as a report names it: `功能分类 201、202`, `功能分类 30 个科目`, `行政及参公单位`.
    static func label(_ refs: [NodeRef]) -> String {
        if refs.count == 1 { return refs[0].label }
        let functions = refs.compactMap { if case .function(let c) = $0 { return c } else { return nil } }
        if functions.count == refs.count {
            return functions.count > 4 ? "功能分类 \(functions.count) 个科目" : "功能分类 " + functions.joined(separator: "、")
        }
        let economics = refs.compactMap { if case .economic(let c) = $0 { return c } else { return nil } }
        if economics.count == refs.count { return "经济分类 " + economics.joined(separator: "、") }
        return refs.map(\.label).joined(separator: "、")
    }
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
    /// Per table, the first row holding each key (as `DisclosureTable.amount` finds it by a scan):
    /// a rule with `each` over a big table reads thousands of its cells.
    private let rowIndex: [String: (rows: Int, first: [String: Int])]

    /// `rollup` and `priorRollup` are the roll-ups of `budget` and `prior` when the caller has them
    /// already (the server keeps one live); otherwise they are built here.
    public init(budget: Budget, tables: [DisclosureTable] = [], itemIDs: [Int64]? = nil, prior: Budget? = nil,
                rollup: Rollup? = nil, priorRollup: Rollup? = nil) {
        self.budget = budget
        self.rollup = rollup ?? Rollup(budget: budget)
        self.tables = Dictionary(tables.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var index: [String: (rows: Int, first: [String: Int])] = [:]
        for (key, t) in self.tables {
            var first: [String: Int] = [:]
            for (i, r) in t.rows.enumerated() { for k in r.keys where first[k] == nil { first[k] = i } }
            index[key] = (t.rows.count, first)
        }
        rowIndex = index
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
        case .nodes(let refs, let m, _):
            return NodeRef.total(refs, m, budget: b, rollup: r)
        case .revenue(let s):
            return b.revenue.filter { $0.source == s }.reduce(Money.zero) { $0 + $1.amount }
        case .table(let t, let row, let column):
            if usePrior { return nil }
            guard let table = tables[t] else { return nil }
            // The index holds while the table has the rows it was built from (a caller may replace
            // `tables`); otherwise the scan.
            if let ix = rowIndex[t], ix.rows == table.rows.count {
                guard let i = ix.first[row], table.rows[i].keys.contains(row) else { return table.amount(row: row, column: column) }
                return table.amount(rowAt: i, column: column)
            }
            return table.amount(row: row, column: column)
        }
    }
}
