/// Where the line rules read lines from, so that a rule costs what it finds, not the size of the
/// budget: a budget in memory answers from its items; a workspace answers from its kept subtotals
/// and reads only the lines a rule names (BudgetStore's `StoredLines`).
public protocol LineSource {
    /// Every line `validator` could find a problem in, in id order, and possibly more (the caller
    /// validates what it gets). A workspace whose lines all pass returns none without reading one.
    func linesToValidate(_ validator: LineItemValidator) -> [NumberedLine]
    /// The first `limit` lines matching `filter` in id order, and how many match in all.
    func lines(_ filter: LineFilter, limit: Int) -> LineSelection
    /// Whether any line matches `filter`.
    func exists(_ filter: LineFilter) -> Bool
}

/// A line with the id a report names it by (the workspace's id; a position + 1 in memory).
public struct NumberedLine: Sendable, Hashable {
    public var id: Int64
    public var item: LineItem
    public init(id: Int64, item: LineItem) { self.id = id; self.item = item }
}

/// Some of the lines matching a filter, and how many match.
public struct LineSelection: Sendable {
    public var lines: [NumberedLine]
    public var total: Int
    public init(lines: [NumberedLine], total: Int) { self.lines = lines; self.total = total }
}

/// Which lines a rule lists: of a kind, of a unit, with economic codes under some prefixes, with
/// or without a basis. A nil (or empty) part matches every line.
public struct LineFilter: Sendable, Hashable {
    public var unit: String?
    public var kind: ExpenditureKind?
    public var economicPrefixes: [String]
    public var hasBasis: Bool?
    /// Only lines with an amount below zero (a workspace's schema refuses them: it has none).
    public var negativeAmount: Bool

    public init(unit: String? = nil, kind: ExpenditureKind? = nil, economicPrefixes: [String] = [], hasBasis: Bool? = nil,
                negativeAmount: Bool = false) {
        self.unit = unit; self.kind = kind; self.economicPrefixes = economicPrefixes; self.hasBasis = hasBasis
        self.negativeAmount = negativeAmount
    }

    public func matches(_ item: LineItem) -> Bool {
        if negativeAmount, item.amount.fen >= 0 { return false }
        if let u = unit, item.unit != u { return false }
        if let k = kind, item.kind != k { return false }
        if let b = hasBasis, (item.basis != nil) != b { return false }
        return economicPrefixes.isEmpty || economicPrefixes.contains { item.economic.hasPrefix($0) }
    }
}

/// A budget's own items as a line source (a loaded folder, a prior year, the tests): every
/// question is a pass over the items. `ids` are the stored ids in item order, else position + 1.
public struct ItemLines: LineSource, Sendable {
    public let items: [LineItem]
    public let ids: [Int64]?

    public init(_ items: [LineItem], ids: [Int64]? = nil) { self.items = items; self.ids = ids }

    func numbered(_ i: Int) -> NumberedLine {
        NumberedLine(id: ids.flatMap { i < $0.count ? $0[i] : nil } ?? Int64(i + 1), item: items[i])
    }

    public func linesToValidate(_ validator: LineItemValidator) -> [NumberedLine] {
        items.indices.map(numbered)
    }

    public func lines(_ filter: LineFilter, limit: Int) -> LineSelection {
        var out: [NumberedLine] = [], total = 0
        for i in items.indices where filter.matches(items[i]) {
            total += 1
            if out.count < limit { out.append(numbered(i)) }
        }
        return LineSelection(lines: out, total: total)
    }

    public func exists(_ filter: LineFilter) -> Bool { items.contains(where: filter.matches) }
}

/// The distinct values a budget's lines use, as its roll-up nodes show them: what the line rules
/// check by value. A workspace reads them from its kept nodes (O(nodes)); the validator says
/// which fail (`LineItemValidator.failing`), and only the lines using those are read.
public struct LineValues: Sendable, Equatable {
    /// (economic 款, the government 款 it pairs with: the line's own or the map's; "" unmapped).
    public struct Pair: Sendable, Hashable { public var economic: String; public var government: String }
    /// (unit, project code) of the project lines.
    public struct ProjectRef: Sendable, Hashable { public var unit: String; public var code: String }

    public var units: Set<String> = []
    public var functions: Set<String> = []
    public var economics: Set<String> = []
    public var pairs: Set<Pair> = []
    public var projects: Set<ProjectRef> = []

    public init() {}

    /// The values of a roll-up's nodes: function 项 and economic 款 (a line's own codes are the
    /// longest of their paths), the units, the economic pairs and the projects.
    public init(nodes: [RollupNode]) {
        for n in nodes {
            switch n {
            case .unit(let u): units.insert(u)
            case .function(let c) where c.utf8.count == CodeSet.function.lineLevel: functions.insert(c)
            case .economic(let c) where c.utf8.count == CodeSet.economic.lineLevel: economics.insert(c)
            case .economicPair(let e, let g): pairs.insert(Pair(economic: e, government: g))
            case .project(let u, let c): projects.insert(ProjectRef(unit: u, code: c))
            default: continue
            }
        }
    }

    public var isEmpty: Bool { units.isEmpty && functions.isEmpty && economics.isEmpty && pairs.isEmpty && projects.isEmpty }
}

extension LineItemValidator {
    /// The values among `values` a line using them could be refused for: an unknown unit, a code
    /// that is malformed, unknown or not a leaf, a government code that is not a valid leaf (a
    /// pair's government part, since a line may name it), an economic code without a map (a pair
    /// with ""), a project not of its unit. A line that uses none of them passes `validate`,
    /// given what the workspace's schema guarantees of every stored line (a project exactly on
    /// project lines: `CHECK ((kind = 1) = (project IS NOT NULL))`).
    public func failing(_ values: LineValues) -> LineValues {
        var out = LineValues()
        out.units = values.units.filter { !knowsUnit($0) }
        out.functions = values.functions.filter { !isClean(.function, $0) }
        out.economics = values.economics.filter { !isClean(.economic, $0) }
        out.pairs = values.pairs.filter { p in
            p.government.isEmpty || !isClean(.governmentEconomic, p.government)
        }
        out.projects = values.projects.filter { !knowsProject(unit: $0.unit, code: $0.code) }
        return out
    }
}
