/// How to put a line's structure back when an edit is refused.
struct LineSpec: Sendable {
    var unit: Int32
    var economic: Int32
    var skc: UInt8
    /// Holds one use of the program while the edit is pending.
    var program: Int32
    var amount: Int64
}

/// The structural inverse of one edit.
enum BasisUndo: Sendable {
    case none
    /// The row was new: unlink and free it.
    case newLine(row: Int)
    /// The row had this structure (and is unlinked or relinked now).
    case line(row: Int, old: LineSpec, removed: Bool)
    case parameter(key: UInt64, value: Rational?, record: Parameter?)
    case standard(symbol: Int32, value: Rational?, record: Standard?)
    case staff(id: Int64, old: (record: StaffRow, linked: LinkedStaffRow)?)
}

extension BasisEngine {
    // MARK: - Edits

    /// Applies one edit: recomputes exactly the lines that depend on what it changed, transitively,
    /// in topological order, and returns their differences. An edit that would make a cycle, or
    /// leave a line with a problem, throws those problems and changes nothing.
    public mutating func apply(_ edit: BasisEdit, locate: (Int64) -> Location = BasisEngine.itemLocation) throws(ProblemsError) -> BasisUpdate {
        changes.removeAll(keepingCapacity: true)
        seeds.removeAll(keepingCapacity: true)
        evaluations = 0
        let undo = try applyStructure(edit, locate: locate)
        var out = ProblemCollector(limit: BasisLimits.problems)
        propagate(locate: locate, into: &out)
        if out.hasErrors {
            rollBack(undo)
            if out.isFull { out.markTruncated() }
            throw ProblemsError(out.problems.filter { $0.severity == .error }, truncated: out.truncated)
        }
        return commit(undo, edit: edit)
    }

    /// Applies several edits as one: all or nothing. A refused batch restores a copy of the state
    /// taken before it (one copy of the engine's arrays: cheap next to an import).
    public mutating func apply(_ edits: [BasisEdit], locate: (Int64) -> Location = BasisEngine.itemLocation) throws(ProblemsError) -> [BasisUpdate] {
        let saved = self
        var updates: [BasisUpdate] = []
        updates.reserveCapacity(edits.count)
        for e in edits {
            do { updates.append(try apply(e, locate: locate)) } catch {
                self = saved
                throw error
            }
        }
        return updates
    }

    private func refusal(_ rule: RuleID, _ value: String?, _ message: String) -> ProblemsError {
        ProblemsError([Problem(rule: rule, location: Location(), value: value, message: message)])
    }

    /// Changes the structure (and the plain values) an edit names, seeding what must be recomputed.
    /// Throws before changing anything when the edit itself is wrong or would make a cycle.
    private mutating func applyStructure(_ edit: BasisEdit, locate: (Int64) -> Location) throws(ProblemsError) -> BasisUndo {
        if isFull {
            throw refusal(.basisLimit, nil, "名称、单位过多（上限 \(BasisLimits.symbols) 个名称、\(BasisLimits.units) 个单位）")
        }
        switch edit {
        case .setLine(let id, let item):
            return try setLine(id: id, item, locate: locate)
        case .removeLine(let id):
            guard let row = rows[id] else { return .none }
            let r = Int(row)
            let old = spec(r)
            if old.program >= 0 { programs[Int(old.program)].uses += 1 } // held by the undo
            unlink(row: r)
            return .line(row: r, old: old, removed: true)
        case .setParameter(let p):
            if let problem = checkParameter(p) { throw ProblemsError([problem]) }
            let key = parameterKey(unitID(p.unit), symbol(p.name))
            let undo = BasisUndo.parameter(key: key, value: parameterValues[key], record: parameterRecords[key])
            if parameterValues[key] != p.value.value { seedUsers(of: key) }
            parameterValues[key] = p.value.value
            parameterRecords[key] = p
            return undo
        case .removeParameter(let unit, let name):
            guard let u = unitIDs[unit], let s = symbolIDs[name] else { return .none }
            let key = parameterKey(u, s)
            guard parameterValues[key] != nil else { return .none }
            let undo = BasisUndo.parameter(key: key, value: parameterValues[key], record: parameterRecords[key])
            seedUsers(of: key)
            parameterValues[key] = nil
            parameterRecords[key] = nil
            return undo
        case .setStandard(let st):
            if let problem = checkStandard(st) { throw ProblemsError([problem]) }
            let s = symbol(st.name)
            let undo = BasisUndo.standard(symbol: s, value: standardValues[s], record: standardRecords[s])
            if standardValues[s] != st.value.value { seedUsers(of: BasisEngine.standardDep(s)) }
            standardValues[s] = st.value.value
            standardRecords[s] = st
            return undo
        case .removeStandard(let name):
            guard let s = symbolIDs[name], standardValues[s] != nil else { return .none }
            let undo = BasisUndo.standard(symbol: s, value: standardValues[s], record: standardRecords[s])
            seedUsers(of: BasisEngine.standardDep(s))
            standardValues[s] = nil
            standardRecords[s] = nil
            return undo
        case .setStaffRow(let id, let row):
            if let problem = checkStaffRow(row) { throw ProblemsError([problem]) }
            let old = staffRecords[id].flatMap { rec in staffLinked[id].map { (rec, $0) } }
            replaceStaff(id: id, with: (row, linked(row)))
            return .staff(id: id, old: old)
        case .removeStaffRow(let id):
            guard let rec = staffRecords[id], let l = staffLinked[id] else { return .none }
            replaceStaff(id: id, with: nil)
            return .staff(id: id, old: (rec, l))
        }
    }

    private func spec(_ r: Int) -> LineSpec {
        LineSpec(unit: unitOf[r], economic: economicOf[r], skc: skcOf[r], program: programOf[r], amount: amount[r])
    }

    private mutating func setLine(id: Int64, _ item: LineItem, locate: (Int64) -> Location) throws(ProblemsError) -> BasisUndo {
        let unit = unitID(item.unit), economic = symbol(item.economic), skc = BasisEngine.skc(item)
        let existing = rows[id].map { Int($0) }
        if let r = existing, unitOf[r] == unit, economicOf[r] == economic, skcOf[r] == skc {
            let p = programOf[r]
            let sameBasis = p < 0 ? item.basis == nil : programs[Int(p)].text == item.basis
            if sameBasis {
                // Only the typed amount of a plain line can differ: its groups move, their users follow.
                if p < 0 && amount[r] != item.amount.fen {
                    changes.append(RowChange(row: Int32(r), old: amount[r], new: item.amount.fen))
                    addToGroups(r, item.amount.fen - amount[r])
                    amount[r] = item.amount.fen
                    seedUsers(ofGroup: kuanGroupOf[r])
                    if leiGroupOf[r] >= 0 { seedUsers(ofGroup: leiGroupOf[r]) }
                }
                return .none
            }
        }
        var program: Int32 = -1
        if let text = item.basis {
            program = compile(text)
            if let issue = programs[Int(program)].issue {
                release(program)
                throw ProblemsError([issue.problem(expression: text, at: locate(id))])
            }
        }
        let undo: BasisUndo
        let r: Int
        if let existing {
            r = existing
            let old = spec(r)
            if old.program >= 0 { programs[Int(old.program)].uses += 1 } // held by the undo
            let carried = old.amount
            unlink(row: r)
            link(row: r, unit: unit, economic: economic, skc: skc, program: program,
                 amount: program >= 0 ? carried : item.amount.fen)
            undo = .line(row: r, old: old, removed: false)
        } else {
            r = newRow(id: id)
            link(row: r, unit: unit, economic: economic, skc: skc, program: program, amount: program >= 0 ? 0 : item.amount.fen)
            undo = .newLine(row: r)
        }
        if program >= 0, let cycle = findCycle(through: r) {
            let problem = cycleProblem(cycle.path, codeIndex: cycle.codeIndex, locate: locate)
            revertStructure(undo)
            seeds.removeAll(keepingCapacity: true)
            throw ProblemsError([problem])
        }
        raiseLevels(from: r)
        return undo
    }

    /// Puts the structure back as it was before `undo`'s edit (amounts already restored).
    private mutating func revertStructure(_ undo: BasisUndo) {
        switch undo {
        case .none:
            break
        case .newLine(let r):
            unlink(row: r)
            freeRow(r)
        case .line(let r, let old, let removed):
            if !removed { unlink(row: r) }
            link(row: r, unit: old.unit, economic: old.economic, skc: old.skc, program: old.program, amount: old.amount)
            if old.program >= 0 { raiseLevels(from: r) }
        case .parameter(let key, let value, let record):
            parameterValues[key] = value
            parameterRecords[key] = record
        case .standard(let s, let value, let record):
            standardValues[s] = value
            standardRecords[s] = record
        case .staff(let id, let old):
            replaceStaff(id: id, with: old)
        }
        seeds.removeAll(keepingCapacity: true)
    }

    /// Undoes the amounts a refused propagation changed, newest first, then the structure.
    private mutating func rollBack(_ undo: BasisUndo) {
        for c in changes.reversed() {
            let r = Int(c.row)
            addToGroups(r, c.old - amount[r])
            amount[r] = c.old
        }
        changes.removeAll(keepingCapacity: true)
        revertStructure(undo)
    }

    /// The edit stands: release what the undo held and report the differences.
    private mutating func commit(_ undo: BasisUndo, edit: BasisEdit) -> BasisUpdate {
        var editedRow = -1
        switch undo {
        case .line(let r, let old, let removed):
            release(old.program)
            if removed { freeRow(r) } else { editedRow = r }
        case .newLine(let r):
            editedRow = r
        default:
            break
        }
        var edited: LineAmount?
        if case .setLine(let id, _) = edit, let r = rows[id] {
            editedRow = Int(r)
            edited = LineAmount(id: id, amount: Money(fen: amount[Int(r)]))
        }
        var moved: [AmountChange] = []
        moved.reserveCapacity(changes.count)
        for c in changes where Int(c.row) != editedRow {
            moved.append(AmountChange(id: lineIDs[Int(c.row)], old: Money(fen: c.old), new: Money(fen: c.new)))
        }
        changes.removeAll(keepingCapacity: true)
        return BasisUpdate(edited: edited, moved: moved, evaluated: evaluations)
    }

    // MARK: - Propagation

    /// Evaluates the seeded lines and everything whose inputs they move, lowest level first, so a
    /// line is evaluated once, after every line it reads. Stops at the problem limit.
    mutating func propagate(locate: (Int64) -> Location, into out: inout ProblemCollector) {
        nextStamp()
        queue.removeAll()
        for s in seeds { enqueue(Int(s)) }
        seeds.removeAll(keepingCapacity: true)
        while let row = queue.popMin() {
            let r = Int(row)
            guard alive[r], programOf[r] >= 0 else { continue }
            evaluations += 1
            do {
                let fen = try evaluate(row: r)
                let old = amount[r]
                if fen != old {
                    changes.append(RowChange(row: Int32(r), old: old, new: fen))
                    addToGroups(r, fen - old)
                    amount[r] = fen
                    enqueueUsers(ofGroup: kuanGroupOf[r])
                    if leiGroupOf[r] >= 0 { enqueueUsers(ofGroup: leiGroupOf[r]) }
                }
            } catch {
                out.add(error.problem(expression: programs[Int(programOf[r])].text, at: locate(lineIDs[r])))
                if out.isFull { break }
            }
        }
        queue.removeAll()
    }

    private mutating func nextStamp() {
        stamp &+= 1
        if stamp == 0 {
            for i in queuedStamp.indices { queuedStamp[i] = 0; visitStamp[i] = 0 }
            for i in groupVisitStamp.indices { groupVisitStamp[i] = 0 }
            stamp = 1
        }
    }

    /// Queues the readers of a group whose sum moved. Once per group and propagation: every
    /// member is evaluated before any reader (a reader's level is higher), so the readers queued
    /// by the first member that moved are the readers for all of them.
    private mutating func enqueueUsers(ofGroup g: Int32) {
        guard groupVisitStamp[Int(g)] != stamp else { return }
        groupVisitStamp[Int(g)] = stamp
        for e in groupUsers[Int(g)].entries where version[Int(e >> 32)] == UInt32(truncatingIfNeeded: e) {
            enqueue(Int(e >> 32))
        }
    }

    @inline(__always)
    private mutating func enqueue(_ r: Int) {
        guard queuedStamp[r] != stamp else { return }
        queuedStamp[r] = stamp
        queue.push(Int32(r), level: level[r])
    }

    // MARK: - Levels and cycles

    /// Restores the level invariant after row `r` changed structure (the graph is acyclic):
    /// r above everything it reads, then everything that reads r above r, transitively.
    mutating func raiseLevels(from r: Int) {
        guard alive[r], programOf[r] >= 0 else { return }
        var need: Int32 = 1
        for g in usedGroupsOf[r] {
            for e in groupMembers[Int(g)].entries where version[Int(e >> 32)] == UInt32(truncatingIfNeeded: e) {
                need = max(need, level[Int(e >> 32)] + 1)
            }
        }
        level[r] = max(level[r], need)
        var work = [r]
        while let x = work.popLast() {
            for g in [kuanGroupOf[x], leiGroupOf[x]] where g >= 0 {
                for e in groupUsers[Int(g)].entries where version[Int(e >> 32)] == UInt32(truncatingIfNeeded: e) {
                    let u = Int(e >> 32)
                    if level[u] <= level[x] {
                        level[u] = level[x] + 1
                        work.append(u)
                    }
                }
            }
        }
    }

    /// A cycle through basis line `r`, if its 经济() reaches back to it: the rows r → … → (r),
    /// each selected by the previous one's 经济(), and the index of r's code that starts it.
    /// A line whose 经济() selects the line itself is a cycle of one.
    mutating func findCycle(through r: Int) -> (path: [Int32], codeIndex: Int)? {
        nextStamp()
        struct Frame { var row: Int32; var group = 0; var member = 0 }
        var stack = [Frame(row: Int32(r))]
        visitStamp[r] = stamp
        while !stack.isEmpty {
            let top = stack.count - 1
            let x = Int(stack[top].row)
            let used = usedGroupsOf[x]
            var descended = false
            while stack[top].group < used.count && !descended {
                let g = Int(used[stack[top].group])
                if stack[top].member == 0 {
                    // A group already searched leads nowhere new (nor back to r).
                    if groupVisitStamp[g] == stamp { stack[top].group += 1; continue }
                    groupVisitStamp[g] = stamp
                }
                let members = groupMembers[g].entries
                while stack[top].member < members.count {
                    let e = members[stack[top].member]
                    stack[top].member += 1
                    let m = Int(e >> 32)
                    guard version[m] == UInt32(truncatingIfNeeded: e) else { continue }
                    if m == r { return (stack.map(\.row), stack[0].group) }
                    if visitStamp[m] != stamp {
                        visitStamp[m] = stamp
                        stack.append(Frame(row: Int32(m)))
                        descended = true
                        break
                    }
                }
                if !descended { stack[top].group += 1; stack[top].member = 0 }
            }
            if !descended { stack.removeLast() }
        }
        return nil
    }

    /// The problem of a cycle `path[0] → path[1] → … → path[0]`, at the code of path[0] that starts it.
    func cycleProblem(_ path: [Int32], codeIndex: Int, locate: (Int64) -> Location) -> Problem {
        let first = Int(path[0])
        let p = programs[Int(programOf[first])]
        let codePlace = p.expression?.codePlaces[codeIndex] ?? 0..<0
        let code = symbolTexts[Int(p.codeSymbols[codeIndex])]
        let detail: String
        if path.count == 1 {
            detail = "循环引用：本行自己（经济分类 `\(symbolTexts[Int(economicOf[first])])`）就在 `\(code)` 之内，不能计入自身的金额；请只列出不含本行的款"
        } else {
            func name(_ row: Int32) -> String {
                var l = locate(lineIDs[Int(row)])
                l.column = nil
                let d = l.description
                return d.isEmpty ? "明细 #\(lineIDs[Int(row)])" : d
            }
            let chain = (path + [path[0]]).map(name).joined(separator: " → ")
            detail = "循环引用：\(chain)（每一行的 经济() 都含下一行，金额无法确定）"
        }
        return BasisIssue(.cycle, at: codePlace.lowerBound, length: codePlace.count, detail)
            .problem(expression: p.text, at: locate(lineIDs[first]))
    }

    // MARK: - Full evaluation

    /// Evaluates every basis line again from the plain lines, the values and the roster, in level
    /// order, with every group sum recomputed: the full evaluation of a built engine (as
    /// `Rollup.recalculate` is the roll-up's). Returns the lines whose amount differs from the one
    /// kept, which is none unless the kept state was wrong (for a verification). Levels were
    /// checked acyclic when the structure was built, so this cannot fail except by a problem the
    /// kept state already had; such lines keep their amount and are reported as problems.
    public mutating func recalculate(locate: (Int64) -> Location = BasisEngine.itemLocation) -> (differences: [AmountChange], problems: [Problem]) {
        for g in groupSum.indices { groupSum[g] = .zero }
        var basisRows: [Int32] = []
        var kept: [Int64] = []
        var maxLevel: Int32 = 0
        for r in 0..<lineIDs.count where alive[r] {
            if programOf[r] >= 0 {
                basisRows.append(Int32(r))
                kept.append(amount[r])
                maxLevel = max(maxLevel, level[r])
                amount[r] = 0
            } else {
                addToGroups(r, amount[r])
            }
        }
        // Counting sort by level: a line after every line it reads.
        var starts = [Int](repeating: 0, count: Int(maxLevel) + 2)
        for r in basisRows { starts[Int(level[Int(r)]) + 1] += 1 }
        for i in 1..<starts.count { starts[i] += starts[i - 1] }
        var order = [Int32](repeating: 0, count: basisRows.count), slot = [Int](repeating: 0, count: basisRows.count)
        for (k, r) in basisRows.enumerated() {
            let l = Int(level[Int(r)])
            order[starts[l]] = r
            slot[starts[l]] = k
            starts[l] += 1
        }
        var differences: [AmountChange] = []
        var out = ProblemCollector(limit: BasisLimits.problems)
        for (i, row) in order.enumerated() {
            let r = Int(row), old = kept[slot[i]]
            let fen: Int64
            do { fen = try evaluate(row: r) } catch {
                out.add(error.problem(expression: programs[Int(programOf[r])].text, at: locate(lineIDs[r])))
                fen = old
            }
            amount[r] = fen
            addToGroups(r, fen)
            if fen != old { differences.append(AmountChange(id: lineIDs[r], old: Money(fen: old), new: Money(fen: fen))) }
        }
        return (differences, out.problems)
    }

    /// Evaluates every basis line, each after the basis lines it reads (`brokenGroups` hold a line
    /// whose basis could not be compiled: their readers are not evaluated): a depth-first search over
    /// lines and groups (a line reads groups, a group holds basis lines), each visited once, so
    /// the cost is linear in lines and edges; a line is evaluated in postorder and its level is
    /// one more than the highest level of the groups it reads. A cycle is reported once per back
    /// edge; a line in a cycle, or reading a line with a problem, is not evaluated (its problem
    /// would only repeat the first).
    mutating func evaluateAll(locate: (Int64) -> Location, brokenGroups: Set<Int32> = [], into out: inout ProblemCollector) {
        let n = lineIDs.count
        // 0 new, 1 on the stack, 2 done; for lines and for groups.
        var color = [UInt8](repeating: 0, count: n), groupColor = [UInt8](repeating: 0, count: groupKey.count)
        var poisoned = [Bool](repeating: false, count: n), groupPoisoned = [Bool](repeating: false, count: groupKey.count)
        for g in brokenGroups { groupPoisoned[Int(g)] = true }
        var groupLevel = [Int32](repeating: 0, count: groupKey.count)
        var stack: [SearchFrame] = []

        for start in 0..<n where alive[start] && programOf[start] >= 0 && color[start] == 0 {
            if out.isFull { return }
            if usedGroupsOf[start].isEmpty {
                // Reads no 经济(): nothing to search (most basis lines).
                color[start] = 2
                finishLine(start, childLevel: 0, inherited: false, &poisoned, &out, locate: locate)
                continue
            }
            stack.append(SearchFrame(node: Int32(start), isGroup: false))
            color[start] = 1
            while let top = stack.indices.last {
                let f = stack[top]
                var descended = false
                if f.isGroup {
                    let members = groupMembers[Int(f.node)].entries
                    while stack[top].next < members.count && !descended {
                        let e = members[stack[top].next]
                        stack[top].next += 1
                        let m = Int(e >> 32)
                        guard version[m] == UInt32(truncatingIfNeeded: e) else { continue }
                        switch color[m] {
                        case 0 where usedGroupsOf[m].isEmpty:
                            color[m] = 2
                            finishLine(m, childLevel: 0, inherited: false, &poisoned, &out, locate: locate)
                            stack[top].childLevel = max(stack[top].childLevel, level[m])
                            if poisoned[m] { stack[top].poisoned = true }
                        case 0:
                            color[m] = 1
                            stack.append(SearchFrame(node: Int32(m), isGroup: false))
                            descended = true
                        case 1:
                            stack[top].poisoned = true
                            let from = stack.lastIndex { !$0.isGroup && $0.node == Int32(m) } ?? top
                            reportCycle(stack[from...], &poisoned, &out, locate: locate)
                        default:
                            stack[top].childLevel = max(stack[top].childLevel, level[m])
                            if poisoned[m] { stack[top].poisoned = true }
                        }
                    }
                } else {
                    let used = usedGroupsOf[Int(f.node)]
                    while stack[top].next < used.count && !descended {
                        let g = Int(used[stack[top].next])
                        stack[top].next += 1
                        switch groupColor[g] {
                        case 0:
                            groupColor[g] = 1
                            stack.append(SearchFrame(node: Int32(g), isGroup: true, poisoned: groupPoisoned[g]))
                            descended = true
                        case 1:
                            stack[top].poisoned = true
                            let from = stack.lastIndex { $0.isGroup && $0.node == Int32(g) } ?? top
                            reportCycle(stack[from...], &poisoned, &out, locate: locate)
                        default:
                            stack[top].childLevel = max(stack[top].childLevel, groupLevel[g])
                            if groupPoisoned[g] { stack[top].poisoned = true }
                        }
                    }
                }
                if descended { continue }
                let done = stack.removeLast()
                let x = Int(done.node)
                let finishedLevel: Int32, finishedPoisoned: Bool
                if done.isGroup {
                    groupColor[x] = 2
                    groupLevel[x] = done.childLevel
                    groupPoisoned[x] = done.poisoned
                    finishedLevel = done.childLevel
                    finishedPoisoned = done.poisoned
                } else {
                    color[x] = 2
                    finishLine(x, childLevel: done.childLevel, inherited: done.poisoned, &poisoned, &out, locate: locate)
                    finishedLevel = level[x]
                    finishedPoisoned = poisoned[x]
                }
                if let parent = stack.indices.last {
                    stack[parent].childLevel = max(stack[parent].childLevel, finishedLevel)
                    if finishedPoisoned { stack[parent].poisoned = true }
                }
            }
        }
    }

    /// A line of the full evaluation is done: its level, and its amount unless it is in a cycle or
    /// reads a line with a problem.
    private mutating func finishLine(_ x: Int, childLevel: Int32, inherited: Bool, _ poisoned: inout [Bool],
                                     _ out: inout ProblemCollector, locate: (Int64) -> Location) {
        level[x] = childLevel + 1
        if inherited || poisoned[x] {
            poisoned[x] = true
            return
        }
        do {
            let fen = try evaluate(row: x)
            addToGroups(x, fen - amount[x])
            amount[x] = fen
        } catch {
            out.add(error.problem(expression: programs[Int(programOf[x])].text, at: locate(lineIDs[x])))
            poisoned[x] = true
        }
    }

    /// Reports the cycle a search found: the lines of the stack from the node reached again.
    private func reportCycle(_ segment: ArraySlice<SearchFrame>, _ poisoned: inout [Bool], _ out: inout ProblemCollector,
                             locate: (Int64) -> Location) {
        let lines = segment.filter { !$0.isGroup }
        guard let first = lines.first else { return }
        if !lines.allSatisfy({ poisoned[Int($0.node)] }) {
            // A line frame's `next` is one past the group it descended through.
            out.add(cycleProblem(lines.map(\.node), codeIndex: first.next - 1, locate: locate))
        }
        for f in lines { poisoned[Int(f.node)] = true }
    }
}

/// One node of the full evaluation's search: a line (iterating the groups it reads) or a group
/// (iterating its basis lines).
struct SearchFrame {
    var node: Int32
    var isGroup: Bool
    var next = 0
    var childLevel: Int32 = 0
    var poisoned = false
}

/// The lines waiting to be evaluated, lowest level first: buckets for the levels below 1024
/// (every real budget), a binary heap above. Within a propagation every push after the first pop
/// has a level above the last pop, so one rising pointer walks the buckets.
struct LevelQueue: Sendable {
    static let buckets = 1024
    private var bucket = [[Int32]](repeating: [], count: LevelQueue.buckets)
    private var lowest = LevelQueue.buckets
    private var heap: [UInt64] = []
    private var count = 0

    mutating func push(_ row: Int32, level: Int32) {
        count += 1
        let l = Int(level)
        if l < LevelQueue.buckets {
            bucket[l].append(row)
            lowest = min(lowest, l)
            return
        }
        var i = heap.count
        heap.append(UInt64(UInt32(bitPattern: level)) << 32 | UInt64(UInt32(bitPattern: row)))
        while i > 0 {
            let parent = (i - 1) / 2
            if heap[parent] <= heap[i] { break }
            heap.swapAt(parent, i)
            i = parent
        }
    }

    mutating func popMin() -> Int32? {
        guard count > 0 else { return nil }
        count -= 1
        while lowest < LevelQueue.buckets {
            if let r = bucket[lowest].popLast() { return r }
            lowest += 1
        }
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var i = 0
            let n = heap.count
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < n && heap[l] < heap[m] { m = l }
                if r < n && heap[r] < heap[m] { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
        return Int32(truncatingIfNeeded: top)
    }

    mutating func removeAll() {
        if count > 0 {
            for l in bucket.indices where !bucket[l].isEmpty { bucket[l].removeAll(keepingCapacity: true) }
            heap.removeAll(keepingCapacity: true)
        }
        count = 0
        lowest = LevelQueue.buckets
    }
}
