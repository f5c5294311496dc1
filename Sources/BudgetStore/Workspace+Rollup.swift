import BudgetCore
import GRDB
import GRDBSQLite

/// The kept roll-up (docs/workspace.md, "Kept subtotals"): the sums of every roll-up node and slot,
/// stored in `rollup_node` and `rollup_sum` (migration v5-subtotals) and moved in the same
/// transaction as every write of `item`, so a reader of figures reads O(nodes), not O(lines).
/// Nodes are resolved by the engine's `Rollup` (its line-free mode); this file only stores them.
extension Workspace {
    // MARK: Node keys

    /// A node as a row key: (kind, a, b), "" where a kind has no second part.
    static func key(_ n: RollupNode) -> (kind: String, a: String, b: String) {
        switch n {
        case .department: return ("department", "", "")
        case .function(let c): return ("function", c, "")
        case .economic(let c): return ("economic", c, "")
        case .economicPair(let e, let g): return ("pair", e, g)
        case .unit(let u): return ("unit", u, "")
        case .project(let u, let c): return ("project", u, c)
        case .unitFunction(let u, let f): return ("unit-function", u, f)
        }
    }

    /// The node of a row key; nil for a kind this program does not know.
    static func node(kind: String, a: String, b: String) -> RollupNode? {
        switch kind {
        case "department": return .department
        case "function": return .function(a)
        case "economic": return .economic(a)
        case "pair": return .economicPair(economic: a, government: b)
        case "unit": return .unit(a)
        case "project": return .project(unit: a, code: b)
        case "unit-function": return .unitFunction(unit: a, function: b)
        default: return nil
        }
    }

    // MARK: Writing

    /// An empty line-free roll-up over the stored codes and units: add the changed lines to it
    /// (old −1, new +1), then `keep` it.
    static func rollupDelta(_ db: Database) throws -> Rollup {
        let units = try Row.fetchAll(db, sql: "SELECT code, name, type FROM unit ORDER BY code").map {
            BudgetUnit(code: $0[0], name: $0[1], type: UnitType(rawValue: $0[2]) ?? .administrative)
        }
        return Rollup(kept: try readCodes(db), units: units, nodes: [])
    }

    /// Adds a delta (`rollupDelta` plus lines) to the kept sums: one update (or insert) per touched
    /// node and per slot that moved, never one per line. A node no line reaches any more is deleted, and
    /// so is a slot no line is in, so the kept nodes and slots are exactly those a roll-up built from
    /// the lines has. The schema refuses a negative sum or count (an inconsistency).
    static func keep(_ delta: Rollup, _ db: Database) throws {
        if try !(Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM rollup_node)") ?? true) {
            return try keepFirst(delta, db)
        }
        // UPDATE, then INSERT when there was no row: an upsert would check the delta itself
        // (negative for a line taken out) against the CHECKs before it found the row.
        let addNode = try db.cachedStatement(sql: "UPDATE rollup_node SET lines = lines + ? WHERE kind = ? AND a = ? AND b = ?")
        let newNode = try db.cachedStatement(sql: "INSERT INTO rollup_node(kind, a, b, lines) VALUES (?, ?, ?, ?)")
        let nodeID = try db.cachedStatement(sql: "SELECT id, lines FROM rollup_node WHERE kind = ? AND a = ? AND b = ?")
        let addSum = try db.cachedStatement(sql: "UPDATE rollup_sum SET fen = fen + ?, lines = lines + ? WHERE node = ? AND slot = ?")
        let newSum = try db.cachedStatement(sql: "INSERT INTO rollup_sum(node, slot, fen, lines) VALUES (?, ?, ?, ?)")
        let dropSum = try db.cachedStatement(sql: "DELETE FROM rollup_sum WHERE node = ? AND slot = ? AND lines = 0 AND fen = 0")
        let dropNode = try db.cachedStatement(sql: "DELETE FROM rollup_node WHERE id = ?")
        for k in delta.keptNodes where !k.isEmpty {
            let (kind, a, b) = key(k.node)
            try addNode.execute(arguments: [k.lines, kind, a, b])
            if db.changesCount == 0 { try newNode.execute(arguments: [kind, a, b, k.lines]) }
            guard let row = try Row.fetchOne(nodeID, arguments: [kind, a, b]) else {
                throw WorkspaceError.database("小计节点 \(kind) \(a) \(b) 写入后读不到")
            }
            let id: Int64 = row[0], lines: Int64 = row[1]
            for slot in 0..<Slot.count where k.sums[slot] != 0 || k.slotLines[slot] != 0 {
                let fen = k.sums[slot], n = k.slotLines[slot]
                try addSum.execute(arguments: [fen, n, id, slot])
                if db.changesCount == 0 { try newSum.execute(arguments: [id, slot, fen, n]) } else { try dropSum.execute(arguments: [id, slot]) }
            }
            // Its slots are all gone by now when the kept sums were right; if not, the foreign key
            // refuses the delete and the write fails rather than lose the inconsistency.
            if lines == 0 { try dropNode.execute(arguments: [id]) }
        }
    }

    /// `keep` into empty tables (a load, an import that replaces every line): plain inserts, one
    /// row per node and per slot with lines. The node ids are 1, 2, … in order, the ids SQLite
    /// gives an empty table, so the sums need no look-up.
    private static func keepFirst(_ rollup: Rollup, _ db: Database) throws {
        // Through SQLite's C API, many rows a statement (about 1.2 × 10^4 nodes and 3.3 × 10^5
        // slot rows at 10^6 lines): GRDB's argument arrays cost a load most of a second, and the
        // schema's `kind IN (…)` check builds a table of the seven kinds each time a statement runs.
        // Every node before any sum (an import's transaction checks the foreign key at once).
        let kept = rollup.keptNodes.filter { !$0.isEmpty }
        let nodes = try RowBatch(db, "INSERT INTO rollup_node(id, kind, a, b, lines) VALUES ", columns: 5)
        for (i, k) in kept.enumerated() {
            let (kind, a, b) = key(k.node)
            try nodes.add([.int(Int64(i) + 1), .text(kind), .text(a), .text(b), .int(k.lines)])
        }
        try nodes.finish()
        let sums = try RowBatch(db, "INSERT INTO rollup_sum(node, slot, fen, lines) VALUES ", columns: 4)
        for (i, k) in kept.enumerated() {
            for slot in 0..<Slot.count where k.sums[slot] != 0 || k.slotLines[slot] != 0 {
                try sums.add([.int(Int64(i) + 1), .int(Int64(slot)), .int(k.sums[slot]), .int(k.slotLines[slot])])
            }
        }
        try sums.finish()
    }

    /// Recomputes the kept sums from the stored lines (the v5 migration, and a change of what a
    /// line's nodes are: a unit's type, the economic map). O(lines), in the caller's transaction.
    static func rebuildKeptRollup(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM rollup_sum; DELETE FROM rollup_node")
        var r = try rollupDelta(db)
        for s in try fetchItems(db, tail: "ORDER BY id") { r.add(s.item, sign: 1) }
        try keep(r, db)
    }

    // MARK: Reading

    /// The kept nodes as stored, and the rows that could not be read back (an unknown kind, a
    /// slot out of range, a sum or count out of the budget's limits): `verify` reports them.
    static func readKept(_ db: Database) throws -> (nodes: [Rollup.KeptNode], bad: [String]) {
        var nodes: [Rollup.KeptNode] = [], bad: [String] = []
        var index: [Int64: Int] = [:]
        let limit = BudgetLimits.budgetTotal.fen
        for r in try Row.fetchAll(db, sql: "SELECT id, kind, a, b, lines FROM rollup_node ORDER BY id") {
            let id: Int64 = r[0], kind: String = r[1], a: String = r[2], b: String = r[3], lines: Int64 = r[4]
            guard let n = node(kind: kind, a: a, b: b) else { bad.append("未知的节点种类 `\(kind)`（\(a) \(b)）"); continue }
            if lines < 0 { bad.append("节点 \(kind) \(a) \(b) 的明细条数 \(lines) 超出范围"); continue }
            index[id] = nodes.count
            nodes.append(Rollup.KeptNode(node: n, lines: lines, sums: Array(repeating: 0, count: Slot.count),
                                         slotLines: Array(repeating: 0, count: Slot.count)))
        }
        // Through SQLite's C API, columns by position: a 10^6-line workspace keeps about 3 × 10^5 slot
        // rows, and a GRDB Row each cost `budget tree` most of its time.
        let sql = "SELECT node, slot, fen, lines FROM rollup_sum"
        let stmt = try db.makeStatement(sql: sql)
        let s = stmt.sqliteStatement
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
            }
            let id = sqlite3_column_int64(s, 0), slot = sqlite3_column_int64(s, 1), fen = sqlite3_column_int64(s, 2)
            let lines = sqlite3_column_int64(s, 3)
            guard let i = index[id] else { bad.append("小计行的节点 #\(id) 不存在或无法读取"); continue }
            guard slot >= 0, slot < Int64(Slot.count) else { bad.append("节点 #\(id) 的小计格 \(slot) 超出范围"); continue }
            guard fen >= 0, fen <= limit else { bad.append("节点 #\(id) 的小计 \(fen) 分超出上限"); continue }
            guard lines >= 0, lines <= nodes[i].lines else { bad.append("节点 #\(id) 的小计格 \(slot) 的明细条数 \(lines) 超出范围"); continue }
            nodes[i].sums[Int(slot)] = fen
            nodes[i].slotLines[Int(slot)] = lines
        }
        return (nodes, bad)
    }

    /// The kept roll-up over `budget`'s codes and units; refused (with what to do) when a kept
    /// row does not read back, never summed past the limits.
    static func keptRollup(_ db: Database, budget: Budget) throws -> Rollup {
        let (nodes, bad) = try readKept(db)
        if let first = bad.first {
            throw WorkspaceError.database("工作区中保存的小计无法读取（\(first)）：请运行 budget verify 查看，并用 budget load 重建工作区")
        }
        return Rollup(kept: budget.codes, units: budget.units, nodes: nodes)
    }

    /// The budget without its line items and the kept roll-up, in one read: what a reader of
    /// figures needs (tree, export, check's tables), O(nodes) whatever the number of lines.
    public func budgetWithKeptRollup() throws -> (budget: Budget, rollup: Rollup) {
        try dbWriter.read { db in
            let b = try Workspace.readBudget(db, withItems: false).budget
            return (b, try Workspace.keptRollup(db, budget: b))
        }
    }
}

extension Workspace {
    /// The whole budget with its stored items and the kept roll-up, in one read: for a reader
    /// that needs the lines for its line rules (check's data rules, export's validation) and
    /// the figures for its tables, without building the roll-up again.
    public func budgetWithItemsAndKeptRollup() throws -> (budget: Budget, items: [StoredItem], rollup: Rollup) {
        try dbWriter.read { db in
            let (b, stored) = try Workspace.readBudget(db)
            return (b, stored, try Workspace.keptRollup(db, budget: b))
        }
    }
}

/// Inserts rows `RowBatch.rows` at a time through one multi-row statement, the rest one by one at
/// the end (`finish`, which the caller must call). Every return code is checked.
final class RowBatch {
    enum Value { case int(Int64), text(String) }
    static let rows = 64
    private let db: Database
    private let columns: Int
    private let many: Statement, one: Statement
    private var pending: [Value] = []
    private let sql: String

    /// `prefix`: `INSERT INTO t(c1, …) VALUES `; `columns`: how many values a row has.
    init(_ db: Database, _ prefix: String, columns: Int) throws {
        self.db = db
        self.columns = columns
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        sql = prefix + row
        many = try db.makeStatement(sql: prefix + Array(repeating: row, count: RowBatch.rows).joined(separator: ", "))
        one = try db.makeStatement(sql: sql)
        pending.reserveCapacity(RowBatch.rows * columns)
    }

    /// Adds a row of `columns` values.
    func add(_ values: [Value]) throws {
        precondition(values.count == columns)
        pending.append(contentsOf: values)
        if pending.count == RowBatch.rows * columns {
            try run(many.sqliteStatement, pending[...])
            pending.removeAll(keepingCapacity: true)
        }
    }

    /// Inserts the rows left.
    func finish() throws {
        var k = 0
        while k < pending.count {
            try run(one.sqliteStatement, pending[k..<(k + columns)])
            k += columns
        }
        pending.removeAll()
    }

    private func run(_ s: OpaquePointer?, _ values: ArraySlice<Value>) throws {
        for (i, v) in zip(Int32(1)..., values) {
            switch v {
            case .int(let n): try check(sqlite3_bind_int64(s, i, n))
            case .text(let t): try check(sqliteBindText(s, i, t))
            }
        }
        try check(sqlite3_step(s), SQLITE_DONE)
        try check(sqlite3_reset(s))
    }

    private func check(_ rc: Int32, _ ok: Int32 = SQLITE_OK) throws {
        if rc != ok {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
        }
    }
}
