/// A node of the roll-up: every place a table reads a subtotal from.
public enum RollupNode: Hashable, Sendable {
    /// The whole department (部门合计).
    case department
    /// A function 类, 款 or 项.
    case function(String)
    /// A department economic 类 or 款.
    case economic(String)
    /// A pair of department economic 款 and the government economic 款 it maps to (table 6 prints
    /// one row per pair: "a department with both 机关 and 事业 units prints 30101 twice").
    case economicPair(economic: String, government: String)
    /// A unit.
    case unit(String)
    /// A project of a unit.
    case project(unit: String, code: String)
    /// A function 类/款/项 within one unit (the per-unit view).
    case unitFunction(unit: String, function: String)
}

/// The incremental recalculation engine (汇总).
///
/// For every node it keeps the sums over every slot (source × carryover × kind × nature), so a
/// table figure is a lookup. Adding, changing or removing a line touches only the nodes the line
/// belongs to (its ancestors in each tree): at most `stride` additions.
public struct Rollup: Sendable {
    /// How many nodes one line contributes to, at most.
    static let stride = 12

    private var nodeIndex: [RollupNode: Int32] = [:]
    public private(set) var nodes: [RollupNode] = []
    private var sums: [Int64] = []

    // Per line row: the amount, its slot and the nodes it adds to (-1 = none).
    private var amounts: [Int64] = []
    private var slots: [UInt8] = []
    private var refs: [Int32] = []
    private var alive: [Bool] = []
    private var rowOfID: [Int64: Int32] = [:]
    private var freeRows: [Int32] = []

    private var unitTypes: [String: UnitType]
    private let codes: CodeBook

    public init(codes: CodeBook, units: [BudgetUnit]) {
        self.codes = codes
        self.unitTypes = Dictionary(units.map { ($0.code, $0.type) }, uniquingKeysWith: { a, _ in a })
        _ = node(.department)
    }

    /// Builds the roll-up of a whole budget; line ids are the items' positions.
    public init(budget: Budget) {
        self.init(codes: budget.codes, units: budget.units)
        reserve(budget.items.count)
        for (i, item) in budget.items.enumerated() { insert(item, id: Int64(i)) }
    }

    public mutating func reserve(_ lines: Int) {
        amounts.reserveCapacity(lines); slots.reserveCapacity(lines)
        refs.reserveCapacity(lines * Rollup.stride); alive.reserveCapacity(lines)
        rowOfID.reserveCapacity(lines)
    }

    /// The number of live lines.
    public var lineCount: Int { rowOfID.count }

    // MARK: - Edits

    /// Adds a line. An id already present is replaced.
    public mutating func insert(_ item: LineItem, id: Int64) {
        if rowOfID[id] != nil { remove(id: id) }
        let row: Int32
        if let r = freeRows.popLast() {
            row = r
        } else {
            row = Int32(amounts.count)
            amounts.append(0); slots.append(0); alive.append(false)
            refs.append(contentsOf: repeatElement(-1, count: Rollup.stride))
        }
        let r = Int(row)
        let slot = Slot.index(item.source, item.carryover, item.kind, CostNature(economic: item.economic))
        amounts[r] = item.amount.fen
        slots[r] = UInt8(slot)
        alive[r] = true
        rowOfID[id] = row
        var k = r * Rollup.stride
        func put(_ n: Int32) { refs[k] = n; k += 1 }
        put(node(.department))
        for c in CodeSet.function.path(of: item.function) { put(node(.function(c))) }
        for c in CodeSet.economic.path(of: item.economic) { put(node(.economic(c))) }
        let unitType = unitTypes[item.unit] ?? .administrative
        let gov = codes.governmentEconomic(for: item.economic, unitType: unitType, override: item.governmentEconomic) ?? ""
        put(node(.economicPair(economic: item.economic, government: gov)))
        put(node(.unit(item.unit)))
        if let p = item.project, !p.isEmpty { put(node(.project(unit: item.unit, code: p))) }
        for c in CodeSet.function.path(of: item.function) { put(node(.unitFunction(unit: item.unit, function: c))) }
        while k < (r + 1) * Rollup.stride { refs[k] = -1; k += 1 }
        apply(row: r, sign: 1)
    }

    /// Removes a line; an unknown id is ignored.
    public mutating func remove(id: Int64) {
        guard let row = rowOfID.removeValue(forKey: id) else { return }
        let r = Int(row)
        apply(row: r, sign: -1)
        alive[r] = false
        amounts[r] = 0
        freeRows.append(row)
    }

    /// Changes a line: its old contribution is taken out and the new one put in.
    public mutating func update(id: Int64, to item: LineItem) { insert(item, id: id) }

    /// A unit's type changed (it picks the economic map): its lines must be resolved again by the caller.
    public mutating func setUnits(_ units: [BudgetUnit]) {
        unitTypes = Dictionary(units.map { ($0.code, $0.type) }, uniquingKeysWith: { a, _ in a })
    }

    @inline(__always)
    private mutating func apply(row r: Int, sign: Int64) {
        let a = amounts[r] * sign
        let s = Int(slots[r])
        let base = r * Rollup.stride
        sums.withUnsafeMutableBufferPointer { sp in
            refs.withUnsafeBufferPointer { rp in
                for k in base..<(base + Rollup.stride) {
                    let n = rp[k]
                    if n < 0 { break }
                    sp[Int(n) * Slot.count + s] &+= a
                }
            }
        }
    }

    /// Recomputes every sum from the lines (the full recalculation).
    public mutating func recalculate() {
        let stride = Rollup.stride
        sums.withUnsafeMutableBufferPointer { sp in
            for i in sp.indices { sp[i] = 0 }
            amounts.withUnsafeBufferPointer { ap in
                slots.withUnsafeBufferPointer { slp in
                    refs.withUnsafeBufferPointer { rp in
                        alive.withUnsafeBufferPointer { alp in
                            for r in 0..<ap.count where alp[r] {
                                let a = ap[r], s = Int(slp[r])
                                var k = r * stride
                                let end = k + stride
                                while k < end {
                                    let n = rp[k]
                                    if n < 0 { break }
                                    sp[Int(n) * Slot.count + s] &+= a
                                    k += 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private mutating func node(_ n: RollupNode) -> Int32 {
        if let i = nodeIndex[n] { return i }
        let i = Int32(nodes.count)
        nodes.append(n)
        nodeIndex[n] = i
        sums.append(contentsOf: repeatElement(0, count: Slot.count))
        return i
    }

    // MARK: - Queries

    /// The sum of a node over a measure; zero for a node no line reaches.
    public func total(_ n: RollupNode, _ measure: Measure = .all) -> Money {
        guard let i = nodeIndex[n] else { return .zero }
        let base = Int(i) * Slot.count
        var m = measure.mask
        var t: Int64 = 0
        while m != 0 {
            let b = m.trailingZeroBitCount
            t &+= sums[base + b]
            m &= m - 1
        }
        return Money(fen: t)
    }

    /// The 40 slot sums of a node (for tests and diagnostics).
    public func slotSums(_ n: RollupNode) -> [Int64] {
        guard let i = nodeIndex[n] else { return Array(repeating: 0, count: Slot.count) }
        let base = Int(i) * Slot.count
        return Array(sums[base..<(base + Slot.count)])
    }

    /// Every node the roll-up has seen (some may have fallen to zero after edits).
    public var knownNodes: [RollupNode] { nodes }

    /// Function codes present, sorted by code (类 before its 款 before its 项).
    public var functionCodes: [String] {
        nodes.compactMap { if case .function(let c) = $0 { return c } else { return nil } }.sorted()
    }

    /// Department economic codes present, sorted.
    public var economicCodes: [String] {
        nodes.compactMap { if case .economic(let c) = $0 { return c } else { return nil } }.sorted()
    }

    /// (economic 款, government 款) pairs present, sorted by economic then government code.
    public var economicPairs: [(economic: String, government: String)] {
        nodes.compactMap { if case .economicPair(let e, let g) = $0 { return (e, g) } else { return nil } }
            .sorted { ($0.economic, $0.government) < ($1.economic, $1.government) }
    }

    /// Function codes present within one unit.
    public func functionCodes(unit: String) -> [String] {
        nodes.compactMap { if case .unitFunction(let u, let c) = $0, u == unit { return c } else { return nil } }.sorted()
    }

    /// Projects present (unit, code).
    public var projectNodes: [(unit: String, code: String)] {
        nodes.compactMap { if case .project(let u, let c) = $0 { return (u, c) } else { return nil } }
    }
}
