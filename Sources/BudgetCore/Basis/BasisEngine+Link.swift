/// A compiled expression: the parsed operations with names, categories, fields and codes turned
/// into symbols, shared by every line with the same text.
struct BasisProgram: Sendable {
    enum Op: Sendable {
        case number(Rational)
        case name(Int32)
        /// Category symbol, or `BasisEngine.all`.
        case headcount(Int32)
        case wage(field: Int32, category: Int32)
        /// The next `count` codes of the line's used groups.
        case economic(count: Int32)
        case add, subtract, multiply, divide, negate, percent
    }

    var text: String
    var expression: BasisExpression?
    var ops: [Op] = []
    /// The economic code symbols, in order (each line resolves them to its own groups).
    var codeSymbols: [Int32] = []
    /// The dependency keys every user line has, apart from its unit: (kind, symbol, symbol).
    var references: [Reference] = []
    /// A problem found while compiling (syntax, unknown code, a limit): no line may use it.
    var issue: BasisIssue?
    var uses = 0
    /// The deepest the evaluation stack gets (from the expression, kept here for the hot path).
    var stackDepth = 1
    /// Per (unit << 8 | source × carryover × kind): the dependency keys and groups a line of that
    /// unit and slot has. Lines with the same text in the same place share them (no allocation per line).
    var bindings: [UInt32: Binding] = [:]

    struct Binding: Sendable {
        var deps: [UInt64]
        var groups: [Int32]
    }

    enum Reference: Sendable, Equatable {
        case name(Int32)
        case staff(category: Int32, field: Int32)
        case field(Int32)
    }
}

/// A roster row as the engine adds it to the sums.
struct LinkedStaffRow: Sendable {
    var unit: Int32
    var category: Int32
    var count: Int64
    var fields: [(symbol: Int32, fen: Int64)]
}

extension BasisEngine {
    /// The symbol for "every category" and for "the count, not a field".
    static let all: Int32 = (1 << 22) - 1

    // MARK: - Dependency keys (two tag bits, then unit and symbols)

    static func parameterDep(_ unit: Int32, _ name: Int32) -> UInt64 { UInt64(unit) << 32 | UInt64(name) }
    static func standardDep(_ name: Int32) -> UInt64 { 1 << 62 | UInt64(name) }
    static func staffKey(_ unit: Int32, _ category: Int32, _ field: Int32) -> UInt64 {
        UInt64(unit) << 44 | UInt64(category) << 22 | UInt64(field)
    }
    static func staffDep(_ key: UInt64) -> UInt64 { 2 << 62 | key }
    static func fieldDep(_ field: Int32) -> UInt64 { 3 << 62 | UInt64(field) }
    func parameterKey(_ unit: Int32, _ name: Int32) -> UInt64 { BasisEngine.parameterDep(unit, name) }

    // MARK: - Interning

    /// Unit ids are bounded by `BasisLimits.units`; past it every further unit shares the last id,
    /// which `checkLimits` refuses before any line of it is linked.
    mutating func unitID(_ code: String) -> Int32 {
        if let u = unitIDs[code] { return u }
        let u = Int32(unitCodes.count)
        unitIDs[code] = u
        unitCodes.append(code)
        return u
    }

    mutating func symbol(_ text: String) -> Int32 {
        if let s = symbolIDs[text] { return s }
        let s = Int32(symbolTexts.count)
        symbolIDs[text] = s
        symbolTexts.append(text)
        return s
    }

    /// True when interning would pass the packing limits of the dependency keys.
    var isFull: Bool { unitCodes.count >= BasisLimits.units || symbolTexts.count >= BasisLimits.symbols }

    /// The symbol of a code's 3-digit 类, or -1.
    mutating func classSymbol(of code: Int32) -> Int32 {
        if let c = classOfCode[code] { return c }
        let text = symbolTexts[Int(code)]
        let c = text.utf8.count > 3 ? symbol(String(text.prefix(3))) : -1
        classOfCode[code] = c
        return c
    }

    // MARK: - Programs

    /// The program for a basis text (compiled once per distinct text). Its `issue` is set when
    /// the text cannot be used; the caller releases it then.
    mutating func compile(_ text: String) -> Int32 {
        // Most lines repeat a text another line has (one String shared by a loader's interner):
        // recognise its storage before hashing it.
        let slot = BasisEngine.storageSlot(text)
        if let slot, let hit = recentTexts[slot.index], hit.address == slot.address, hit.text.utf8.count == text.utf8.count {
            programs[Int(hit.program)].uses += 1
            return hit.program
        }
        if let p = programIndex[TextKey(text)] {
            programs[Int(p)].uses += 1
            if let slot { recentTexts[slot.index] = RecentText(text: text, address: slot.address, program: p) }
            return p
        }
        var program = BasisProgram(text: text)
        if isFull {
            program.issue = BasisIssue(.limit, at: 0, length: 0, "名称、单位过多（上限 \(BasisLimits.symbols) 个名称、\(BasisLimits.units) 个单位）")
        } else {
            do {
                let e = try BasisParser.parse(text)
                program.expression = e
                program.stackDepth = max(1, e.stackDepth)
                try link(e, into: &program)
            } catch {
                program.issue = error
            }
        }
        program.uses = 1
        let p: Int32
        if let free = freePrograms.popLast() {
            p = free
            programs[Int(p)] = program
        } else {
            p = Int32(programs.count)
            programs.append(program)
        }
        programIndex[TextKey(text)] = p
        if let slot { recentTexts[slot.index] = RecentText(text: text, address: slot.address, program: p) }
        return p
    }

    /// The address of a text's UTF-8 storage and its slot in `recentTexts`, for a text stored on
    /// its own (more than 15 bytes; shorter ones are inline values without a stable address).
    static func storageSlot(_ text: String) -> (address: UInt, index: Int)? {
        guard text.utf8.count > 15,
              let a = text.utf8.withContiguousStorageIfAvailable({ UInt(bitPattern: $0.baseAddress) }) else { return nil }
        return (a, Int((a >> 4) & UInt(BasisEngine.recentTextSlots - 1)))
    }

    static let recentTextSlots = 64

    /// One use less; a program no line uses is forgotten (a long session must not keep every text typed).
    mutating func release(_ p: Int32) {
        guard p >= 0 else { return }
        programs[Int(p)].uses -= 1
        if programs[Int(p)].uses <= 0 {
            programIndex[TextKey(programs[Int(p)].text)] = nil
            for i in recentTexts.indices where recentTexts[i]?.program == p { recentTexts[i] = nil }
            programs[Int(p)] = BasisProgram(text: "")
            freePrograms.append(p)
        }
    }

    private mutating func link(_ e: BasisExpression, into program: inout BasisProgram) throws(BasisIssue) {
        var codeIndex = 0
        func addReference(_ r: BasisProgram.Reference, _ program: inout BasisProgram) {
            if !program.references.contains(r) { program.references.append(r) }
        }
        for op in e.operations {
            switch op {
            case .number(let v): program.ops.append(.number(v))
            case .name(let n):
                let s = symbol(n)
                program.ops.append(.name(s))
                addReference(.name(s), &program)
            case .headcount(let c):
                let cs = c.map { symbol($0) } ?? BasisEngine.all
                program.ops.append(.headcount(cs))
                addReference(.staff(category: cs, field: BasisEngine.all), &program)
            case .wage(let f, let c):
                let fs = symbol(f), cs = c.map { symbol($0) } ?? BasisEngine.all
                program.ops.append(.wage(field: fs, category: cs))
                addReference(.staff(category: cs, field: fs), &program)
                addReference(.field(fs), &program)
            case .economic(let list):
                for code in list {
                    guard codes.contains(.economic, code) else {
                        let place = e.codePlaces[codeIndex]
                        throw BasisIssue(.unknownEconomicCode, at: place.lowerBound, length: place.count,
                                         "未知的部门预算支出经济分类科目 `\(code)`")
                    }
                    program.codeSymbols.append(symbol(code))
                    codeIndex += 1
                }
                program.ops.append(.economic(count: Int32(list.count)))
            case .add: program.ops.append(.add)
            case .subtract: program.ops.append(.subtract)
            case .multiply: program.ops.append(.multiply)
            case .divide: program.ops.append(.divide)
            case .negate: program.ops.append(.negate)
            case .percent: program.ops.append(.percent)
            }
        }
    }

    // MARK: - Rows

    /// A row for a new line id (a freed row is reused).
    mutating func newRow(id: Int64) -> Int {
        let r: Int
        if let f = freeRows.popLast() {
            r = Int(f)
            lineIDs[r] = id
        } else {
            r = lineIDs.count
            lineIDs.append(id); alive.append(false); amount.append(0); unitOf.append(0); economicOf.append(0)
            skcOf.append(0); kuanGroupOf.append(-1); leiGroupOf.append(-1); programOf.append(-1)
            version.append(0); level.append(0); depsOf.append([]); usedGroupsOf.append([])
            queuedStamp.append(0); visitStamp.append(0)
        }
        rows.set(id, Int32(r))
        return r
    }

    /// Rows 0..<n for a fresh engine in one go (a 10^6-line build must not pay fifteen appends a line).
    mutating func allocateRows(_ n: Int) {
        lineIDs = Array(repeating: -1, count: n); alive = Array(repeating: false, count: n)
        amount = Array(repeating: 0, count: n); unitOf = Array(repeating: 0, count: n)
        economicOf = Array(repeating: 0, count: n); skcOf = Array(repeating: 0, count: n)
        kuanGroupOf = Array(repeating: -1, count: n); leiGroupOf = Array(repeating: -1, count: n)
        programOf = Array(repeating: -1, count: n); version = Array(repeating: 0, count: n)
        level = Array(repeating: 0, count: n); depsOf = Array(repeating: [], count: n)
        usedGroupsOf = Array(repeating: [], count: n); queuedStamp = Array(repeating: 0, count: n)
        visitStamp = Array(repeating: 0, count: n)
    }

    /// The row's line is gone: the row may be reused.
    mutating func freeRow(_ r: Int) {
        rows.remove(lineIDs[r])
        alive[r] = false
        freeRows.append(Int32(r))
    }

    /// The 款 and 类 groups a line of (unit, economic 款, source × carryover × kind) is in: one
    /// lookup per line instead of three.
    mutating func memberGroups(unit: Int32, economic: Int32, skc: UInt8) -> (Int32, Int32) {
        let key = UInt64(unit) << 32 | UInt64(economic) << 5 | UInt64(skc)
        if let pair = memberGroupCache[key] { return (Int32(truncatingIfNeeded: pair >> 32), Int32(truncatingIfNeeded: pair)) }
        let kuan = group(unit: unit, code: economic, skc: skc)
        let lei = classSymbol(of: economic)
        let leiGroup = lei >= 0 ? group(unit: unit, code: lei, skc: skc) : -1
        memberGroupCache[key] = UInt64(UInt32(bitPattern: kuan)) << 32 | UInt64(UInt32(bitPattern: leiGroup))
        return (kuan, leiGroup)
    }

    /// The group of (unit, code, source × carryover × kind), made on first use.
    mutating func group(unit: Int32, code: Int32, skc: UInt8) -> Int32 {
        let key = UInt64(unit) << 32 | UInt64(code) << 5 | UInt64(skc)
        if let g = groupIndex[key] { return g }
        let g = Int32(groupKey.count)
        groupIndex[key] = g
        groupKey.append(key)
        groupSum.append(.zero)
        groupLines.append(0)
        groupUsers.append(UserList())
        groupMembers.append(UserList())
        groupVisitStamp.append(0)
        return g
    }

    /// A line's unit, economic code and groups from its texts: one lookup of their bytes packed in
    /// two words when both are short (a unit code, a 5-digit 款), instead of four lookups.
    mutating func lineSlot(unit: String, economic: String, skc: UInt8) -> LineSlot {
        if let u = PackedTexts.pack(unit), let e = PackedTexts.pack(economic) {
            let key = PackedTexts(a: u, b: e << 5 | UInt64(skc))
            if let slot = lineSlotCache[key] { return slot }
            let slot = lineSlot(unitID: unitID(unit), economic: symbol(economic), skc: skc)
            lineSlotCache[key] = slot
            return slot
        }
        return lineSlot(unitID: unitID(unit), economic: symbol(economic), skc: skc)
    }

    mutating func lineSlot(unitID u: Int32, economic e: Int32, skc: UInt8) -> LineSlot {
        let (kuan, lei) = memberGroups(unit: u, economic: e, skc: skc)
        return LineSlot(unit: u, economic: e, kuan: kuan, lei: lei)
    }

    /// Puts a line into the structure: its groups (with its amount), and for a basis line the
    /// users lists of everything it reads. Seeds what must be recomputed: the users of its groups
    /// when its amount counts there, and the line itself when it has a basis.
    mutating func link(row r: Int, unit: Int32, economic: Int32, skc: UInt8, program: Int32, amount fen: Int64) {
        link(row: r, slot: lineSlot(unitID: unit, economic: economic, skc: skc), skc: skc, program: program, amount: fen)
    }

    mutating func link(row r: Int, slot: LineSlot, skc: UInt8, program: Int32, amount fen: Int64) {
        let unit = slot.unit
        alive[r] = true
        amount[r] = fen
        unitOf[r] = unit
        economicOf[r] = slot.economic
        skcOf[r] = skc
        programOf[r] = program
        let kuan = slot.kuan, leiGroup = slot.lei
        kuanGroupOf[r] = kuan
        leiGroupOf[r] = leiGroup
        addToGroups(r, fen)
        groupLines[Int(kuan)] += 1
        if leiGroup >= 0 { groupLines[Int(leiGroup)] += 1 }
        if fen != 0 { seedUsers(ofGroup: kuan); if leiGroup >= 0 { seedUsers(ofGroup: leiGroup) } }
        guard program >= 0 else { return }
        let v = version[r]
        groupMembers[Int(kuan)].add(row: r, version: v)
        if leiGroup >= 0 { groupMembers[Int(leiGroup)].add(row: r, version: v) }
        let binding = bind(program: program, unit: unit, skc: skc)
        for d in binding.deps { users[d, default: UserList()].add(row: r, version: v) }
        for g in binding.groups { groupUsers[Int(g)].add(row: r, version: v) }
        depsOf[r] = binding.deps
        usedGroupsOf[r] = binding.groups
        if seeding { seeds.append(Int32(r)) }
    }

    /// The dependency keys and groups of a line of this program, unit and slot (made once).
    mutating func bind(program: Int32, unit: Int32, skc: UInt8) -> BasisProgram.Binding {
        let key = UInt32(unit) << 8 | UInt32(skc)
        if let b = programs[Int(program)].bindings[key] { return b }
        var deps: [UInt64] = []
        for ref in programs[Int(program)].references {
            switch ref {
            case .name(let s):
                deps.append(BasisEngine.parameterDep(unit, s))
                deps.append(BasisEngine.standardDep(s))
            case .staff(let c, let f):
                deps.append(BasisEngine.staffDep(BasisEngine.staffKey(unit, c, f)))
            case .field(let f):
                deps.append(BasisEngine.fieldDep(f))
            }
        }
        var groups: [Int32] = []
        for c in programs[Int(program)].codeSymbols { groups.append(group(unit: unit, code: c, skc: skc)) }
        let b = BasisProgram.Binding(deps: deps, groups: groups)
        programs[Int(program)].bindings[key] = b
        return b
    }

    /// Takes a line out of the structure (the inverse of `link`); its amount leaves its groups.
    mutating func unlink(row r: Int) {
        let fen = amount[r]
        let kuan = kuanGroupOf[r], lei = leiGroupOf[r]
        addToGroups(r, -fen)
        groupLines[Int(kuan)] -= 1
        if lei >= 0 { groupLines[Int(lei)] -= 1 }
        if fen != 0 { seedUsers(ofGroup: kuan); if lei >= 0 { seedUsers(ofGroup: lei) } }
        version[r] &+= 1
        if programOf[r] >= 0 {
            BasisEngine.markStale(&groupMembers[Int(kuan)], version)
            if lei >= 0 { BasisEngine.markStale(&groupMembers[Int(lei)], version) }
            for d in depsOf[r] {
                BasisEngine.markStale(&users[d, default: UserList()], version)
                if users[d]?.entries.isEmpty == true { users[d] = nil }
            }
            for g in usedGroupsOf[r] { BasisEngine.markStale(&groupUsers[Int(g)], version) }
            depsOf[r] = []
            usedGroupsOf[r] = []
            release(programOf[r])
            programOf[r] = -1
        }
        level[r] = 0
        amount[r] = 0
        alive[r] = false
    }

    /// One entry of the list went stale; past half the list, the stale entries are dropped.
    static func markStale(_ list: inout UserList, _ version: [UInt32]) {
        list.stale += 1
        if list.stale > 16 && list.stale * 2 > list.entries.count {
            list.entries.removeAll { version[Int($0 >> 32)] != UInt32(truncatingIfNeeded: $0) }
            list.stale = 0
        }
    }

    @inline(__always)
    mutating func addToGroups(_ r: Int, _ delta: Int64) {
        if delta == 0 { return }
        let k = Int(kuanGroupOf[r])
        groupSum[k] = groupSum[k].plus(delta)
        let l = Int(leiGroupOf[r])
        if l >= 0 { groupSum[l] = groupSum[l].plus(delta) }
    }

    mutating func seedUsers(ofGroup g: Int32) {
        guard seeding else { return }
        for e in groupUsers[Int(g)].entries where version[Int(e >> 32)] == UInt32(truncatingIfNeeded: e) {
            seeds.append(Int32(e >> 32))
        }
    }

    mutating func seedUsers(of dep: UInt64) {
        guard seeding, let list = users[dep] else { return }
        for e in list.entries where version[Int(e >> 32)] == UInt32(truncatingIfNeeded: e) {
            seeds.append(Int32(e >> 32))
        }
    }

    // MARK: - Roster

    /// A roster row with its names interned.
    mutating func linked(_ row: StaffRow) -> LinkedStaffRow {
        LinkedStaffRow(unit: unitID(row.unit), category: symbol(row.category), count: row.count,
                       fields: row.amounts.sorted { $0.key < $1.key }.map { (symbol($0.key), $0.value.fen) })
    }

    /// Replaces roster row `id` (nil removes it): moves the sums of its category and of all
    /// categories of its unit by the net difference, and seeds the users of every sum that moved
    /// and of every field that appeared or disappeared from the roster.
    mutating func replaceStaff(id: Int64, with new: (record: StaffRow, linked: LinkedStaffRow)?) {
        let old = staffLinked[id]
        var deltas: [UInt64: Wide] = [:]
        func add(_ s: LinkedStaffRow, negate: Bool) {
            for c in [s.category, BasisEngine.all] {
                var parts = [(BasisEngine.staffKey(s.unit, c, BasisEngine.all), Wide(s.count))]
                for f in s.fields { parts.append((BasisEngine.staffKey(s.unit, c, f.symbol), Wide.product(f.fen, s.count))) }
                for (key, w) in parts {
                    let v = negate ? Wide(negative: !w.negative, high: w.high, low: w.low) : w
                    deltas[key] = (deltas[key] ?? .zero).plus(v)
                }
            }
        }
        if let old { add(old, negate: true) }
        if let new { add(new.linked, negate: false) }
        var flipped: [Int32] = []
        for f in old?.fields ?? [] {
            fieldRows[f.symbol, default: 0] -= 1
            if fieldRows[f.symbol] == 0 { fieldRows[f.symbol] = nil; flipped.append(f.symbol) }
        }
        for f in new?.linked.fields ?? [] {
            fieldRows[f.symbol, default: 0] += 1
            if fieldRows[f.symbol] == 1 {
                if let i = flipped.firstIndex(of: f.symbol) { flipped.remove(at: i) } else { flipped.append(f.symbol) }
            }
        }
        for f in flipped { seedUsers(of: BasisEngine.fieldDep(f)) }
        for (key, delta) in deltas.sorted(by: { $0.key < $1.key }) where !delta.isZero {
            let now = (staffSums[key] ?? .zero).plus(delta)
            staffSums[key] = now.isZero ? nil : now
            seedUsers(of: BasisEngine.staffDep(key))
        }
        staffLinked[id] = new?.linked
        staffRecords[id] = new?.record
    }
}

/// A text as a dictionary key, hashed and compared by its UTF-8 bytes: String's own hashing
/// normalises (NFC) every non-ASCII key, which costs more than evaluating a basis. Two texts that
/// differ only in normalisation are two programs with the same result.
struct TextKey: Hashable, Sendable {
    let text: String
    init(_ text: String) { self.text = text }
    static func == (a: TextKey, b: TextKey) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }
    func hash(into h: inout Hasher) {
        var t = text
        t.withUTF8 { h.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

/// Where a line of one (unit, economic 款, source × carryover × kind) sits.
struct LineSlot: Sendable {
    var unit: Int32
    var economic: Int32
    var kuan: Int32
    var lei: Int32
}

/// Two short texts (at most 7 UTF-8 bytes each, with their length) packed into two words.
struct PackedTexts: Hashable, Sendable {
    var a: UInt64
    var b: UInt64

    /// Bytes in the low 56 bits, the length above them; nil for a longer text. Leaves the top 5
    /// bits of the word free.
    static func pack(_ s: String) -> UInt64? {
        var v: UInt64 = 0, n: UInt64 = 0
        for byte in s.utf8 {
            n += 1
            if n > 7 { return nil }
            v = v << 8 | UInt64(byte)
        }
        return n << 56 | v
    }
}
