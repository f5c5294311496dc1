/// A line whose amount moved because something it depends on changed.
public struct AmountChange: Hashable, Sendable, CustomStringConvertible {
    /// The line's id, as the caller numbers lines (a workspace item id, or a position in a budget).
    public var id: Int64
    public var old: Money
    public var new: Money
    public init(id: Int64, old: Money, new: Money) { self.id = id; self.old = old; self.new = new }
    public var description: String { "#\(id) \(old.yuanText) → \(new.yuanText)" }
}

/// A line and its amount.
public struct LineAmount: Hashable, Sendable {
    public var id: Int64
    public var amount: Money
    public init(id: Int64, amount: Money) { self.id = id; self.amount = amount }
}

/// What one edit did: the edited line's amount and every other line that moved with it. The
/// caller applies exactly these to the roll-up (`Rollup.update` of each moved line with its new
/// amount, and of the edited line as edited).
public struct BasisUpdate: Hashable, Sendable {
    /// The edited line after the edit, its amount computed when it has a basis; nil when the edit
    /// removed a line or was not of a line.
    public var edited: LineAmount?
    /// The other lines whose amount changed, each once, in the order they were recomputed
    /// (a line after everything it depends on).
    public var moved: [AmountChange]
    /// How many basis lines were evaluated (the work the edit cost).
    public var evaluated: Int
}

/// One change to what amounts are computed from.
public enum BasisEdit: Hashable, Sendable {
    /// Adds a line, or replaces the line with this id (its basis, amount, unit, economic code,
    /// source, carryover or kind). A line with a basis gets its amount from it; `amount` is then ignored.
    case setLine(id: Int64, LineItem)
    case removeLine(id: Int64)
    case setParameter(Parameter)
    case removeParameter(unit: String, name: String)
    case setStandard(Standard)
    case removeStandard(name: String)
    /// Adds or replaces a roster row (ids as the caller numbers rows).
    case setStaffRow(id: Int64, StaffRow)
    case removeStaffRow(id: Int64)
}

/// The basis engine (测算依据): computes the amount of every line that has a basis, exactly,
/// and keeps a dependency graph from parameters, standards, roster rows and economic groups to
/// the lines that use them, so an edit recomputes only its dependents (docs/basis.md).
///
/// Invariant: the state is always fully evaluated and free of problems. Building reports every
/// problem at once; an edit that would make a cycle, or leave any line with a problem (a negative
/// value, a division by zero, an unknown name…), is refused with its problems and changes nothing.
///
/// The state is plain arrays and dictionaries (a value type): the workspace of issue 13 can keep
/// it beside the roll-up; the only output of an edit is its `BasisUpdate`.
public struct BasisEngine: Sendable {
    // MARK: Interning
    var unitIDs: [String: Int32] = [:]
    var unitCodes: [String] = []
    var symbolIDs: [String: Int32] = [:]
    var symbolTexts: [String] = []
    /// Per economic-code symbol: the symbol of its 3-digit 类, or -1 for a code of 3 digits or fewer.
    var classOfCode: [Int32: Int32] = [:]
    let codes: CodeBook

    // MARK: Programs (compiled expressions, shared by every line with the same text)
    var programIndex: [TextKey: Int32] = [:]
    var programs: [BasisProgram] = []
    var freePrograms: [Int32] = []
    /// Recently compiled texts by the address of their storage (see `compile`).
    var recentTexts: [RecentText?] = Array(repeating: nil, count: BasisEngine.recentTextSlots)

    // MARK: Lines, by row
    var rows = IDIndex()
    var lineIDs: [Int64] = []
    var alive: [Bool] = []
    var amount: [Int64] = []
    var unitOf: [Int32] = []
    var economicOf: [Int32] = []
    /// Source × carryover × kind: which 经济() groups of its unit a line is in and reads.
    var skcOf: [UInt8] = []
    /// The 款 and 类 groups the line is a member of (-1 = none).
    var kuanGroupOf: [Int32] = []
    var leiGroupOf: [Int32] = []
    var programOf: [Int32] = []
    /// Bumped at every structural change of the row, so list entries of its old structure are stale.
    var version: [UInt32] = []
    /// A topological label: a basis line's level exceeds that of every basis line it reads.
    var level: [Int32] = []
    /// The non-group dependency keys of a basis line (parameters, standards, roster sums, fields).
    var depsOf: [[UInt64]] = []
    /// The groups a basis line's 经济() reads, in the order of its codes.
    var usedGroupsOf: [[Int32]] = []
    var freeRows: [Int32] = []

    // MARK: Groups: the lines of one unit with one economic 款 or 类 and one source × carryover × kind
    var groupIndex: [UInt64: Int32] = [:]
    /// (unit, economic 款, source × carryover × kind) → its 款 group << 32 | its 类 group.
    var memberGroupCache: [UInt64: UInt64] = [:]
    /// The same, from the texts' bytes (see `lineSlot`).
    var lineSlotCache: [PackedTexts: LineSlot] = [:]
    var groupKey: [UInt64] = []
    var groupSum: [Wide] = []
    var groupLines: [Int32] = []
    var groupUsers: [UserList] = []
    /// The basis lines in the group (the edges a cycle could run along).
    var groupMembers: [UserList] = []

    // MARK: Values and their users
    var parameterValues: [UInt64: Rational] = [:]
    var parameterRecords: [UInt64: Parameter] = [:]
    var standardValues: [Int32: Rational] = [:]
    var standardRecords: [Int32: Standard] = [:]
    var staffRecords: [Int64: StaffRow] = [:]
    var staffLinked: [Int64: LinkedStaffRow] = [:]
    var staffSums: [UInt64: Wide] = [:]
    var fieldRows: [Int32: Int] = [:]
    var users: [UInt64: UserList] = [:]

    // MARK: Scratch of one propagation
    var queue = LevelQueue()
    var queuedStamp: [UInt32] = []
    var visitStamp: [UInt32] = []
    var groupVisitStamp: [UInt32] = []
    var stamp: UInt32 = 0
    var changes: [RowChange] = []
    var seeds: [Int32] = []
    /// Off while building: a full evaluation needs no seeds.
    var seeding = false
    var evaluations = 0

    /// Builds the engine over lines and roster rows and evaluates every basis. Ids are the
    /// caller's (a workspace's item ids); nil means the positions. `locate` says where a line is
    /// for a problem (a file and row, or an item id).
    public init(items: [LineItem], ids: [Int64]? = nil, parameters: [Parameter] = [], standards: [Standard] = [],
                staff: [StaffRow] = [], staffIDs: [Int64]? = nil, codes: CodeBook,
                locate: (Int64) -> Location = BasisEngine.itemLocation) throws(ProblemsError) {
        self.codes = codes
        var out = ProblemCollector(limit: BasisLimits.problems)
        if let ids, ids.count != items.count { throw ProblemsError([Problem(rule: .basisIDs, location: Location(), message: "明细编号的个数与明细不符")]) }
        if let staffIDs, staffIDs.count != staff.count { throw ProblemsError([Problem(rule: .basisIDs, location: Location(), message: "人员信息编号的个数与人员信息不符")]) }
        for s in standards {
            if let p = checkStandard(s) { out.add(p); continue }
            let sym = symbol(s.name)
            if standardValues[sym] != nil {
                out.add(Problem(rule: .basisDuplicateStandard, location: Location(), value: s.name,
                                message: "标准 `\(s.name)` 重复"))
            }
            standardValues[sym] = s.value.value
            standardRecords[sym] = s
        }
        for p in parameters {
            if let problem = checkParameter(p) { out.add(problem); continue }
            let key = parameterKey(unitID(p.unit), symbol(p.name))
            if parameterValues[key] != nil {
                out.add(Problem(rule: .basisDuplicateParameter, location: Location(), value: p.name,
                                message: "单位 `\(p.unit)` 的参数 `\(p.name)` 重复"))
            }
            parameterValues[key] = p.value.value
            parameterRecords[key] = p
        }
        for (k, row) in staff.enumerated() {
            let id = staffIDs?[k] ?? Int64(k)
            if let p = checkStaffRow(row) { out.add(p); continue }
            if staffRecords[id] != nil {
                out.add(Problem(rule: .basisDuplicateStaffRow, location: Location(), value: String(id),
                                message: "人员信息第 \(id) 行重复"))
                continue
            }
            replaceStaff(id: id, with: (row, linked(row)))
        }
        allocateRows(items.count)
        if ids == nil { rows.setPositions(items.count) }
        var stated: [(row: Int32, fen: Int64)] = []
        var broken: Set<Int32> = []
        for k in items.indices {
            if out.isFull || isFull { freeRows.append(Int32(k)); continue }
            let id = ids?[k] ?? Int64(k)
            if ids != nil {
                guard rows[id] == nil else {
                    out.add(Problem(rule: .basisDuplicateLine, location: locate(id), message: "明细编号重复"))
                    freeRows.append(Int32(k))
                    continue
                }
                rows.set(id, Int32(k))
            }
            lineIDs[k] = id
            var program: Int32 = -1
            // Field by field: copying a whole LineItem (eight strings) a line costs more than linking it.
            let basis = items[k].basis, fen = items[k].amount.fen
            if let text = basis {
                program = compile(text)
                if let issue = programs[Int(program)].issue {
                    out.add(issue.problem(expression: text, at: locate(id)))
                    release(program)
                    program = -1
                }
            }
            let skc = BasisEngine.skc(items[k].source, items[k].carryover, items[k].kind)
            let slot = lineSlot(unit: items[k].unit, economic: items[k].economic, skc: skc)
            link(row: k, slot: slot, skc: skc, program: program, amount: program >= 0 ? 0 : fen)
            if program >= 0 { stated.append((Int32(k), fen)) }
            if basis != nil && program < 0 {
                // Its basis has a problem already reported: what reads its groups is not evaluated.
                broken.insert(slot.kuan)
                if slot.lei >= 0 { broken.insert(slot.lei) }
            }
        }
        if isFull {
            out.add(Problem(rule: .basisLimit, location: Location(),
                            message: "名称、单位过多（上限 \(BasisLimits.symbols) 个名称、\(BasisLimits.units) 个单位）"))
        }
        evaluateAll(locate: locate, brokenGroups: broken, into: &out)
        seeding = true
        if out.isFull { out.markTruncated() }
        try out.throwIfErrors()
        initialDifferences = stated.compactMap { s in
            let now = amount[Int(s.row)]
            return now == s.fen ? nil : AmountChange(id: lineIDs[Int(s.row)], old: Money(fen: s.fen), new: Money(fen: now))
        }
    }

    /// Lines whose stated amount (as loaded) differs from the amount their basis computes: the
    /// computed amount is kept; a loader reports each as a warning naming the line.
    public private(set) var initialDifferences: [AmountChange] = []

    /// Where a line is when the caller has no better place: its item id, column basis.
    public static func itemLocation(_ id: Int64) -> Location { Location(column: "basis", item: id) }

    // MARK: - Reading the state

    /// The line's amount (computed when it has a basis), or nil for an unknown id.
    public func amount(of id: Int64) -> Money? {
        guard let r = rows[id] else { return nil }
        return Money(fen: amount[Int(r)])
    }

    /// The line's basis text, or nil when it has none (or the id is unknown).
    public func basis(of id: Int64) -> String? {
        guard let r = rows[id], programOf[Int(r)] >= 0 else { return nil }
        return programs[Int(programOf[Int(r)])].text
    }

    /// Every live line id with its amount, in id order.
    public var amounts: [LineAmount] {
        var out: [LineAmount] = []
        out.reserveCapacity(rows.count)
        for r in 0..<lineIDs.count where alive[r] { out.append(LineAmount(id: lineIDs[r], amount: Money(fen: amount[r]))) }
        return out.sorted { $0.id < $1.id }
    }

    public var lineCount: Int { rows.count }
    /// How many lines have a basis.
    public var basisLineCount: Int { programOf.indices.reduce(0) { $0 + (alive[$1] && programOf[$1] >= 0 ? 1 : 0) } }

    public var parameters: [Parameter] {
        parameterRecords.values.sorted { ($0.unit, $0.name) < ($1.unit, $1.name) }
    }
    public var standards: [Standard] { standardRecords.values.sorted { $0.name < $1.name } }
    /// Roster rows with their ids, in id order.
    public var staff: [(id: Int64, row: StaffRow)] {
        staffRecords.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Ids of the lines whose basis reads this standard (directly), in id order: for "a standard
    /// that no line uses" and for `budget standard rm`.
    public func linesUsing(standard name: String) -> [Int64] {
        guard let s = symbolIDs[name] else { return [] }
        return liveRows(users[BasisEngine.standardDep(s)]).map { lineIDs[Int($0)] }.sorted()
    }

    /// Ids of the lines whose basis reads this parameter of this unit (directly), in id order.
    public func linesUsing(parameter name: String, unit: String) -> [Int64] {
        guard let s = symbolIDs[name], let u = unitIDs[unit] else { return [] }
        return liveRows(users[BasisEngine.parameterDep(u, s)]).map { lineIDs[Int($0)] }.sorted()
    }

    func liveRows(_ list: UserList?) -> [Int32] {
        guard let list else { return [] }
        var out: [Int32] = []
        for e in list.entries where version[Int(e >> 32)] == UInt32(truncatingIfNeeded: e) { out.append(Int32(e >> 32)) }
        return out
    }

    // MARK: - Validation of the values

    func checkStandard(_ s: Standard) -> Problem? {
        if let why = BasisName.problem(s.name) {
            return Problem(rule: .basisBadName, location: Location(), value: s.name, message: "标准：\(why)")
        }
        if s.value.value.isNegative {
            return Problem(rule: .basisNegativeValue, location: Location(), value: s.value.text, message: "标准 `\(s.name)` 的数值不得为负数")
        }
        return nil
    }

    func checkParameter(_ p: Parameter) -> Problem? {
        if let why = BasisName.problem(p.name) {
            return Problem(rule: .basisBadName, location: Location(), value: p.name, message: "参数：\(why)")
        }
        if p.value.value.isNegative {
            return Problem(rule: .basisNegativeValue, location: Location(), value: p.value.text, message: "参数 `\(p.name)` 的数值不得为负数")
        }
        return nil
    }

    func checkStaffRow(_ r: StaffRow) -> Problem? {
        guard (0...BasisLimits.staffCount).contains(r.count) else {
            return Problem(rule: .basisStaffCount, location: Location(), value: String(r.count),
                           message: "人员 `\(r.name)` 的人数 \(r.count) 超出范围（0 至 \(BasisLimits.staffCount)）")
        }
        for (field, money) in r.amounts.sorted(by: { $0.key < $1.key }) {
            if let why = BasisName.problem(field) {
                return Problem(rule: .basisBadName, location: Location(), value: field, message: "人员信息的字段：\(why)")
            }
            if money.fen < 0 || money.fen > BasisLimits.amountFen {
                return Problem(rule: .basisStaffAmount, location: Location(), value: money.yuanText,
                               message: "人员 `\(r.name)` 的 \(field) \(money.yuanText) 超出范围")
            }
        }
        return nil
    }
}

/// Source × carryover × kind of a line, 0..<20.
extension BasisEngine {
    static func skc(_ item: LineItem) -> UInt8 { skc(item.source, item.carryover, item.kind) }
    static func skc(_ s: Source, _ c: Carryover, _ k: ExpenditureKind) -> UInt8 {
        UInt8((s.rawValue * 2 + c.rawValue) * 2 + k.rawValue)
    }
}

/// A compiled text remembered by its storage address (the String keeps the storage alive, so
/// the address cannot be reused by another text while the entry exists).
struct RecentText: Sendable {
    var text: String
    var address: UInt
    var program: Int32
}

/// One amount change inside a propagation (undone in reverse if the edit is refused).
struct RowChange: Sendable {
    var row: Int32
    var old: Int64
    var new: Int64
}

/// The rows that depend on something, as (row << 32 | version) entries. A row that changes
/// structure bumps its version, which makes its old entries stale; stale entries are skipped and
/// dropped when they are the majority, so unlinking a row costs O(1) however long the list.
struct UserList: Sendable {
    var entries: [UInt64] = []
    var stale = 0

    mutating func add(row: Int, version: UInt32) { entries.append(UInt64(row) << 32 | UInt64(version)) }
}

/// Line id → row: a dense array for ids near 0..<count (positions, workspace rowids), a dictionary
/// for the rest, so a 10^6-line build does not pay a million hash insertions.
struct IDIndex: Sendable {
    private var dense: [Int32] = []
    private var sparse: [Int64: Int32] = [:]
    private(set) var count = 0

    subscript(id: Int64) -> Int32? {
        if id >= 0 && id < Int64(dense.count) { let r = dense[Int(id)]; return r < 0 ? nil : r }
        return sparse[id]
    }

    /// Ids 0..<n are rows 0..<n (a fresh index).
    mutating func setPositions(_ n: Int) {
        dense = (0..<Int32(n)).map { $0 }
        count = n
    }

    mutating func set(_ id: Int64, _ row: Int32) {
        if id >= 0 && id < Int64(dense.count) {
            if dense[Int(id)] < 0 { count += 1 }
            dense[Int(id)] = row
            return
        }
        if id >= 0 && id <= Int64(dense.count) * 2 + 1024 && id < Int64(Int32.max) {
            while Int64(dense.count) <= id {
                let d = Int64(dense.count)
                if let r = sparse.removeValue(forKey: d) { dense.append(r) } else { dense.append(-1) }
            }
            if dense[Int(id)] < 0 { count += 1 }
            dense[Int(id)] = row
            return
        }
        if sparse.updateValue(row, forKey: id) == nil { count += 1 }
    }

    mutating func remove(_ id: Int64) {
        if id >= 0 && id < Int64(dense.count) {
            if dense[Int(id)] >= 0 { count -= 1; dense[Int(id)] = -1 }
        } else if sparse.removeValue(forKey: id) != nil {
            count -= 1
        }
    }
}
