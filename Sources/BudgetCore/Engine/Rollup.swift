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
///
/// Overflow: the sums are provably bounded, not checked (a check per addition would cost the
/// incremental edit its speed). Every line that reaches a roll-up holds 0 … `BudgetLimits.lineAmount`
/// and all of a budget's lines together at most `BudgetLimits.budgetTotal` (10^14 分): every
/// reader, every store edit and batch, and the store's read enforce it. A slot sum is the sum of
/// some live lines, so 0 ≤ sum ≤ budgetTotal at every step (an edit subtracts a line's old amount
/// before it adds the new one), and a figure over a mask is a sum of disjoint slots of one node,
/// so at most budgetTotal too: far from Int64.max (9.2 × 10^18). The wrapping `&+=` below can
/// therefore never wrap.
public struct Rollup: Sendable {
    /// How many nodes one line contributes to, at most.
    static let stride = 12

    private var nodeIndex: [RollupNode: Int32] = [:]
    private var nodes: [RollupNode] = []
    private var sums: [Int64] = []

    // Per line row: the amount, its slot and the nodes it adds to (-1 = none).
    private var amounts: [Int64] = []
    private var slots: [UInt8] = []
    private var refs: [Int32] = []
    private var alive: [Bool] = []
    private var rowOfID: [Int64: Int32] = [:]
    private var freeRows: [Int32] = []

    // Line-free mode (`init(kept:)`, `add(_:sign:)`): the lines each node sums, per node and per
    // slot (node-major, like `sums`), and one row of refs to resolve a line into.
    private var slotLines: [Int64] = []
    private var scratch: [Int32] = Array(repeating: -1, count: Rollup.stride)
    /// The line `scratch` was resolved for, and its cost nature: a bulk `add` of lines in the
    /// order a folder is saved repeats its unit, codes and project line after line, and then
    /// resolves nothing (a compare of interned Strings instead of five hash lookups).
    private var resolved = false
    private var resolvedUnit = "", resolvedFunction = "", resolvedEconomic = ""
    private var resolvedProject: String?, resolvedGovernment: String?
    private var resolvedNature = CostNature.personnel

    // Resolution caches: each distinct code is turned into node ids once, so adding a line costs a
    // few lookups instead of building and hashing a dozen nodes (a 10^6-line build must stay well
    // under a second).
    private var resolver: Resolver
    private let codes: CodeBook

    public init(codes: CodeBook, units: [BudgetUnit]) {
        self.codes = codes
        self.resolver = Resolver(units: units)
        _ = node(.department)
    }

    /// Builds the roll-up of a whole budget; line ids are the items' positions.
    public init(budget: Budget) {
        self.init(codes: budget.codes, units: budget.units)
        reserve(budget.items.count)
        for (i, item) in budget.items.enumerated() { insert(item, id: Int64(i)) }
    }

    /// A roll-up without lines (line-free mode): its sums are stored ones (the workspace's kept
    /// subtotals), and `add(_:sign:)` moves them by a line without keeping it. Reading a figure
    /// costs what it costs on a roll-up built from the lines; building it costs O(nodes), not O(lines).
    /// With no nodes it is a delta: add the changed lines (old −, new +) and read `keptNodes`.
    public init(kept codes: CodeBook, units: [BudgetUnit], nodes kept: [KeptNode]) {
        self.init(codes: codes, units: units)
        // One allocation each for the 40 slots of every node, not a doubling per append.
        let n = kept.count + 1
        nodes.reserveCapacity(n); nodeIndex.reserveCapacity(n)
        sums.reserveCapacity(n * Slot.count); slotLines.reserveCapacity(n * Slot.count)
        for k in kept {
            let i = Int(node(k.node))
            let base = i * Slot.count
            for s in 0..<min(Slot.count, k.sums.count) { sums[base + s] &+= k.sums[s] }
            for s in 0..<min(Slot.count, k.slotLines.count) { slotLines[base + s] &+= k.slotLines[s] }
        }
    }

    /// A roll-up without lines over kept nodes in the layout the roll-up itself uses (`FlatKept`):
    /// its arrays are taken as they are, with no copy per node. Reading 10^4 kept nodes as a
    /// `KeptNode` each cost `budget export` a tenth of its time at 10^5 lines, most of it in
    /// first touches of freshly allocated memory. The same roll-up as `init(kept:units:nodes:)`
    /// with `flat.list`, which it falls back to when a node is there twice.
    public init(kept codes: CodeBook, units: [BudgetUnit], flat: FlatKept) {
        var index: [RollupNode: Int32] = [:]
        index.reserveCapacity(flat.nodes.count)
        var unique = true
        for (i, n) in flat.nodes.enumerated() where index.updateValue(Int32(i), forKey: n) != nil { unique = false; break }
        if unique {
            self.init(codes: codes, units: units) // the department is node 0, here and in `flat`
            nodes = flat.nodes; nodeIndex = index; sums = flat.sums; slotLines = flat.slotLines
        } else {
            self.init(kept: codes, units: units, nodes: flat.list)
        }
    }

    /// Kept nodes, node-major: `Slot.count` sums and line counts per node, the department first
    /// (a roll-up's node 0) even when no line reaches it.
    public struct FlatKept: Sendable {
        public private(set) var nodes: [RollupNode] = [.department]
        /// How many lines reach each node, as kept.
        public private(set) var lines: [Int64] = [0]
        public private(set) var sums = [Int64](repeating: 0, count: Slot.count)
        public private(set) var slotLines = [Int64](repeating: 0, count: Slot.count)
        /// Whether node 0 holds a kept department, or only its place.
        private var departmentKept = false

        public init(capacity: Int = 0) {
            nodes.reserveCapacity(capacity + 1); lines.reserveCapacity(capacity + 1)
            sums.reserveCapacity((capacity + 1) * Slot.count); slotLines.reserveCapacity((capacity + 1) * Slot.count)
        }

        /// Adds a node with its line count and its 40 sums and counts (the department's go to
        /// its place at the front, the first time).
        public mutating func add(_ node: RollupNode, lines count: Int64, sums s: [Int64], slotLines l: [Int64]) {
            precondition(s.count == Slot.count && l.count == Slot.count)
            let base: Int
            if node == .department && !departmentKept {
                base = 0
                lines[0] = count
                departmentKept = true
            } else {
                base = sums.count
                nodes.append(node); lines.append(count)
                sums.append(contentsOf: repeatElement(0, count: Slot.count))
                slotLines.append(contentsOf: repeatElement(0, count: Slot.count))
            }
            for k in 0..<Slot.count { sums[base + k] = s[k]; slotLines[base + k] = l[k] }
        }

        /// The nodes one by one, the department left out when nothing was kept for it.
        public var list: [KeptNode] {
            nodes.indices.compactMap { i in
                let r = (i * Slot.count)..<((i + 1) * Slot.count)
                if i == 0 && !departmentKept { return nil }
                return KeptNode(node: nodes[i], lines: lines[i], sums: Array(sums[r]), slotLines: Array(slotLines[r]))
            }
        }
    }

    /// A node's sums as kept: how many lines reach it, its 40 slot sums, and how many lines are in
    /// each slot (a rule that lists lines, such as 项目支出 with a personnel code, counts them
    /// without reading them; a slot of zero-amount lines still has lines).
    public struct KeptNode: Hashable, Sendable {
        public var node: RollupNode
        public var lines: Int64
        public var sums: [Int64]
        public var slotLines: [Int64]
        public init(node: RollupNode, lines: Int64, sums: [Int64], slotLines: [Int64]) {
            self.node = node; self.lines = lines; self.sums = sums; self.slotLines = slotLines
        }

        /// True when the node holds nothing: no line, no sum.
        public var isEmpty: Bool { lines == 0 && !sums.contains { $0 != 0 } && !slotLines.contains { $0 != 0 } }
    }

    /// Line-free mode: adds `sign` × a line (1 adds it, -1 takes it out) to the sums and line counts
    /// of the nodes it belongs to, resolved as `insert` resolves them (one resolver for both modes).
    /// The line is not kept. Not for a roll-up that keeps lines (its `recalculate` would lose it).
    public mutating func add(_ item: LineItem, sign: Int64) {
        precondition(amounts.isEmpty, "Rollup.add(_:sign:) is for a roll-up without lines")
        let nature: CostNature
        if resolved, resolvedUnit == item.unit, resolvedFunction == item.function, resolvedEconomic == item.economic,
           resolvedProject == item.project, resolvedGovernment == item.governmentEconomic {
            // `==` is the resolver's own equality (it keys its caches by String), so equal texts
            // resolve to the same nodes.
            nature = resolvedNature
        } else {
            // The resolver writes into `refs`; swapping the scratch row in costs no copy.
            swap(&refs, &scratch)
            nature = resolve(item, into: 0)
            swap(&refs, &scratch)
            resolved = true
            resolvedUnit = item.unit; resolvedFunction = item.function; resolvedEconomic = item.economic
            resolvedProject = item.project; resolvedGovernment = item.governmentEconomic
            resolvedNature = nature
        }
        let s = Slot.index(item.source, item.carryover, item.kind, nature)
        let a = item.amount.fen &* sign
        for k in 0..<Rollup.stride {
            let n = Int(scratch[k])
            if n < 0 { break }
            sums[n * Slot.count + s] &+= a
            slotLines[n * Slot.count + s] &+= sign
        }
    }

    /// Line-free mode: every node with its line count and slot sums (for a delta, what moved).
    public var keptNodes: [KeptNode] {
        precondition(amounts.isEmpty, "Rollup.keptNodes is for a roll-up without lines")
        return nodes.indices.map { i in
            let r = (i * Slot.count)..<((i + 1) * Slot.count)
            // A node's lines are those of its slots (each line is in exactly one slot of each node).
            let lines = slotLines[r].reduce(0, &+)
            return KeptNode(node: nodes[i], lines: lines, sums: Array(sums[r]), slotLines: Array(slotLines[r]))
        }
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
        let nature = resolve(item, into: r * Rollup.stride)
        amounts[r] = item.amount.fen
        slots[r] = UInt8(Slot.index(item.source, item.carryover, item.kind, nature))
        alive[r] = true
        rowOfID[id] = row
        apply(row: r, sign: 1)
    }

    /// Writes the nodes a line adds to (department, function path, economic path, economic pair,
    /// unit, project, unit × function path) into its `stride` refs; returns the line's cost nature.
    private mutating func resolve(_ item: LineItem, into base: Int) -> CostNature {
        let u = resolver.unitID(item.unit)
        let f = functionID(item.function)
        let e = economicID(item.economic)
        let pair = economicPairNode(economic: e, unit: u, override: item.governmentEconomic)
        let unitNode = unitNodeID(u)
        let project: Int32 = item.project.flatMap { $0.isEmpty ? nil : projectNode(unit: u, code: $0) } ?? -1
        let unitFunction = unitFunctionBase(unit: u, function: f)
        var k = base
        func put(_ n: Int32) { if n >= 0 { refs[k] = n; k += 1 } }
        put(0) // the department is node 0
        let fp = Int(f) * 3, ep = Int(e) * 2
        put(resolver.functions.paths[fp]); put(resolver.functions.paths[fp + 1]); put(resolver.functions.paths[fp + 2])
        put(resolver.economics.paths[ep]); put(resolver.economics.paths[ep + 1])
        put(pair)
        put(unitNode)
        put(project)
        put(resolver.unitFunctionPaths[unitFunction])
        put(resolver.unitFunctionPaths[unitFunction + 1])
        put(resolver.unitFunctionPaths[unitFunction + 2])
        while k < base + Rollup.stride { refs[k] = -1; k += 1 }
        return resolver.economicNatures[Int(e)]
    }

    private mutating func functionID(_ code: String) -> Int32 {
        if let id = resolver.functions.ids[code] { return id }
        return resolver.functions.add(code, path: CodeSet.function.path(of: code).map { node(.function($0)) })
    }

    private mutating func economicID(_ code: String) -> Int32 {
        if let id = resolver.economics.ids[code] { return id }
        resolver.economicNatures.append(CostNature(economic: code))
        return resolver.economics.add(code, path: CodeSet.economic.path(of: code).map { node(.economic($0)) })
    }

    private mutating func unitNodeID(_ u: Int32) -> Int32 {
        if let n = resolver.unitNodes[Int(u)] { return n }
        let n = node(.unit(resolver.units.codes[Int(u)]))
        resolver.unitNodes[Int(u)] = n
        return n
    }

    private mutating func projectNode(unit u: Int32, code: String) -> Int32 {
        let p = resolver.projectID(code)
        let key = Int64(u) << 32 | Int64(p)
        if let n = resolver.projectNodes[key] { return n }
        let n = node(.project(unit: resolver.units.codes[Int(u)], code: code))
        resolver.projectNodes[key] = n
        return n
    }

    /// The start of the unit × function path of a (unit, function 项) pair in `unitFunctionPaths`.
    private mutating func unitFunctionBase(unit u: Int32, function f: Int32) -> Int {
        let key = Int64(u) << 32 | Int64(f)
        if let b = resolver.unitFunctionBases[key] { return Int(b) }
        let b = resolver.unitFunctionPaths.count
        let unit = resolver.units.codes[Int(u)]
        var path = CodeSet.function.path(of: resolver.functions.codes[Int(f)]).suffix(3)
            .map { node(.unitFunction(unit: unit, function: $0)) }
        while path.count < 3 { path.append(-1) }
        resolver.unitFunctionPaths.append(contentsOf: path)
        resolver.unitFunctionBases[key] = Int32(b)
        return b
    }

    /// The (economic, government economic) pair node: the override if the line has one, else the
    /// map by the unit's type; an unmapped code pairs with "" (validation refuses such lines).
    private mutating func economicPairNode(economic e: Int32, unit u: Int32, override: String?) -> Int32 {
        let government: Int32
        if let o = override, !o.isEmpty {
            government = resolver.governmentID(o)
        } else {
            let type = resolver.unitTypes[Int(u)]
            let key = Int(e) * UnitType.allCases.count + type.rawValue
            while resolver.mappedGovernment.count <= key { resolver.mappedGovernment.append(-2) }
            if resolver.mappedGovernment[key] == -2 {
                let code = resolver.economics.codes[Int(e)]
                let g = codes.governmentEconomic(for: code, unitType: type, override: nil) ?? ""
                resolver.mappedGovernment[key] = resolver.governmentID(g)
            }
            government = resolver.mappedGovernment[key]
        }
        let key = Int64(e) << 32 | Int64(government)
        if let n = resolver.pairNodes[key] { return n }
        let n = node(.economicPair(economic: resolver.economics.codes[Int(e)], government: resolver.governments.codes[Int(government)]))
        resolver.pairNodes[key] = n
        return n
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

    /// Moves a line's amount, its nodes and slot unchanged: what a line recomputed from its basis
    /// needs (`BasisUpdate.moved`). Its ≤ 12 node sums move by the difference; nothing is resolved
    /// again. An unknown id is ignored. The amount is within the limits, as for `update`.
    public mutating func setAmount(id: Int64, to amount: Money) {
        guard let row = rowOfID[id] else { return }
        let r = Int(row)
        apply(row: r, sign: -1)
        amounts[r] = amount.fen
        apply(row: r, sign: 1)
    }

    /// A unit's type changed (it picks the economic map): its lines must be resolved again by the caller.
    public mutating func setUnits(_ units: [BudgetUnit]) {
        resolver.setUnitTypes(units)
        resolved = false // a unit's type picks its economic pair
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
        slotLines.append(contentsOf: repeatElement(0, count: Slot.count))
        return i
    }

    // MARK: - Queries

    /// The sum of a node over a measure; zero for a node no line reaches. At most
    /// `BudgetLimits.budgetTotal` (see the type's note on overflow).
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

    /// How many lines of a node fall in a measure's slots (line-free mode: the kept counts; a roll-up
    /// that keeps lines does not count them and answers nil).
    public func lines(_ n: RollupNode, _ measure: Measure = .all) -> Int64? {
        guard amounts.isEmpty, rowOfID.isEmpty else { return nil }
        guard let i = nodeIndex[n] else { return 0 }
        let base = Int(i) * Slot.count
        var m = measure.mask
        var t: Int64 = 0
        while m != 0 {
            t &+= slotLines[base + m.trailingZeroBitCount]
            m &= m - 1
        }
        return t
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

/// The interned codes of a roll-up and the nodes each resolves to.
private struct Resolver: Sendable {
    var units = CodeIDs()
    var unitTypes: [UnitType] = []
    var unitNodes: [Int32?] = []
    var declaredTypes: [String: UnitType]

    /// Function codes, three node ids each (类, 款, 项); economic codes, two each (类, 款).
    var functions = CodePaths(width: 3)
    var economics = CodePaths(width: 2)
    var economicNatures: [CostNature] = []

    var governments = CodeIDs()
    /// Per (economic id, unit type): the mapped government code id; -2 = not resolved yet.
    var mappedGovernment: [Int32] = []
    var pairNodes: [Int64: Int32] = [:]

    var projects = CodeIDs()
    var projectNodes: [Int64: Int32] = [:]

    var unitFunctionBases: [Int64: Int32] = [:]
    var unitFunctionPaths: [Int32] = []

    init(units: [BudgetUnit]) {
        declaredTypes = Dictionary(units.map { ($0.code, $0.type) }, uniquingKeysWith: { a, _ in a })
    }

    mutating func unitID(_ code: String) -> Int32 {
        let (id, isNew) = units.id(code)
        if isNew {
            unitTypes.append(declaredTypes[code] ?? .administrative)
            unitNodes.append(nil)
        }
        return id
    }

    mutating func governmentID(_ code: String) -> Int32 { governments.id(code).id }

    mutating func projectID(_ code: String) -> Int32 { projects.id(code).id }

    mutating func setUnitTypes(_ declared: [BudgetUnit]) {
        declaredTypes = Dictionary(declared.map { ($0.code, $0.type) }, uniquingKeysWith: { a, _ in a })
        for (i, code) in units.codes.enumerated() { unitTypes[i] = declaredTypes[code] ?? .administrative }
    }
}

/// The codes of one tree a roll-up has seen, each with the node ids of its path, the last
/// `width` levels, padded with -1 (a code shorter than a 项 has fewer levels).
private struct CodePaths: Sendable {
    let width: Int
    var ids: [String: Int32] = [:]
    var codes: [String] = []
    var paths: [Int32] = []

    mutating func add(_ code: String, path: [Int32]) -> Int32 {
        let id = Int32(codes.count)
        ids[code] = id
        codes.append(code)
        let kept = path.suffix(width)
        paths.append(contentsOf: kept)
        paths.append(contentsOf: repeatElement(-1, count: width - kept.count))
        return id
    }
}

/// Codes numbered in the order first seen.
private struct CodeIDs: Sendable {
    var ids: [String: Int32] = [:]
    var codes: [String] = []

    mutating func id(_ code: String) -> (id: Int32, isNew: Bool) {
        if let id = ids[code] { return (id, false) }
        let id = Int32(codes.count)
        ids[code] = id
        codes.append(code)
        return (id, true)
    }
}
