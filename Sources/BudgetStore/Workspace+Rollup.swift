import BudgetCore
import Foundation
import GRDB
import GRDBSQLite

/// The kept roll-up (docs/workspace.md, "Kept subtotals"): the sums of every roll-up node and slot,
/// stored in `rollup_node`, a row per node with its slots as one BLOB (`KeptSlots`, migration
/// v7-slot-blob), and moved in the same
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

    /// A row key as a message names it: its nonempty parts.
    static func keyText(_ kind: String, _ a: String, _ b: String) -> String {
        [kind, a, b].filter { !$0.isEmpty }.joined(separator: " ")
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

    /// Adds a delta (`rollupDelta` plus lines) to the kept sums: one read and one write per
    /// touched node, never one per line. A node no line reaches any more is deleted, and a slot no
    /// line is in is left out of its node's BLOB, so the kept nodes and slots are exactly those a
    /// roll-up built from the lines has. A sum or count that would go negative (an inconsistency)
    /// fails the write, as does a kept node that does not read back.
    static func keep(_ delta: Rollup, _ db: Database) throws {
        if try !(Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM rollup_node)") ?? true) {
            return try keepFirst(delta, db)
        }
        let find = try db.cachedStatement(sql: "SELECT id, lines, slots FROM rollup_node WHERE kind = ? AND a = ? AND b = ?")
        let update = try db.cachedStatement(sql: "UPDATE rollup_node SET lines = ?, slots = ? WHERE id = ?")
        let insert = try db.cachedStatement(sql: "INSERT INTO rollup_node(kind, a, b, lines, slots) VALUES (?, ?, ?, ?, ?)")
        let drop = try db.cachedStatement(sql: "DELETE FROM rollup_node WHERE id = ?")
        let none = Array(repeating: Int64(0), count: Slot.count)
        for k in delta.keptNodes where !k.isEmpty {
            let (kind, a, b) = key(k.node)
            let name = keyText(kind, a, b)
            var sums = none, counts = none, lines: Int64 = 0, id: Int64?
            if let row = try Row.fetchOne(find, arguments: [kind, a, b]) {
                id = row[0]; lines = row[1]
                let blob: Data = row[2] ?? Data()
                let bad = blob.withUnsafeBytes {
                    KeptSlots.decode($0, limit: BudgetLimits.budgetTotal.fen, maxLines: lines, sums: &sums, lines: &counts)
                }
                if let bad { throw unreadableKept(bad.text(name)) }
            }
            let total = try move(name, sums: &sums, counts: &counts, lines: lines, by: k)
            if total == 0 {
                if let id { try drop.execute(arguments: [id]) }
                continue
            }
            let blob = Data(KeptSlots.encode(sums: sums, lines: counts))
            if let id { try update.execute(arguments: [total, blob, id]) } else { try insert.execute(arguments: [kind, a, b, total, blob]) }
        }
    }

    /// `keep` into an empty table (a load, an import that replaces every line): plain inserts, one
    /// row per node.
    private static func keepFirst(_ rollup: Rollup, _ db: Database) throws {
        // Through SQLite's C API, many rows a statement: GRDB's argument arrays cost a load most of
        // its time here once, and the schema's `kind IN (…)` check builds a table of the seven kinds
        // each time a statement runs.
        let nodes = try RowBatch(db, "INSERT INTO rollup_node(kind, a, b, lines, slots) VALUES ", columns: 5)
        let none = Array(repeating: Int64(0), count: Slot.count)
        for k in rollup.keptNodes where !k.isEmpty {
            let (kind, a, b) = key(k.node)
            // Into an empty table a delta can only add: a line taken out here means the kept sums
            // had lost it. The same rule as `keep`'s, from nothing.
            var sums = none, counts = none
            _ = try move(keyText(kind, a, b), sums: &sums, counts: &counts, lines: 0, by: k)
            try nodes.add([.text(kind), .text(a), .text(b), .int(k.lines), .blob(KeptSlots.encode(sums: k.sums, lines: k.slotLines))])
        }
        try nodes.finish()
    }

    /// Recomputes the kept sums from the stored lines (the v7 migration, and a change of what a
    /// line's nodes are: a unit's type, the economic map). O(lines), in the caller's transaction.
    static func rebuildKeptRollup(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM rollup_node")
        var r = try rollupDelta(db)
        for s in try fetchItems(db, tail: "ORDER BY id") { r.add(s.item, sign: 1) }
        try keep(r, db)
    }

    /// Moves a kept node (its slot sums and counts, and `lines`) by a delta node, in checked
    /// arithmetic, and returns its line count after. A sum or count that would go negative, or a
    /// node left with sums but no line, is an inconsistency: the write fails (the schema checked
    /// each sum when it was a row; the BLOB is checked here).
    static func move(_ name: String, sums: inout [Int64], counts: inout [Int64], lines: Int64, by k: Rollup.KeptNode) throws -> Int64 {
        for s in 0..<Slot.count {
            let (f, o1) = sums[s].addingReportingOverflow(k.sums[s])
            let (n, o2) = counts[s].addingReportingOverflow(k.slotLines[s])
            guard !o1, !o2, f >= 0, n >= 0 else { throw inconsistentKept(name) }
            sums[s] = f; counts[s] = n
        }
        let (total, o3) = lines.addingReportingOverflow(k.lines)
        guard !o3, total >= 0 else { throw inconsistentKept(name) }
        // No line reaches it: its slots must be empty too, or the kept sums were wrong.
        if total == 0, sums.contains(where: { $0 != 0 }) || counts.contains(where: { $0 != 0 }) { throw inconsistentKept(name) }
        return total
    }

    /// The error of a write that would make a kept sum or count negative.
    static func inconsistentKept(_ name: String) -> WorkspaceError {
        .database("小计节点 \(name) 的保存值与这次改动不一致（会成为负数）：请运行 budget verify 查看，并用 budget load 重建工作区")
    }

    // MARK: Reading

    /// The error of a kept node that does not read back.
    static func unreadableKept(_ what: String) -> WorkspaceError {
        .database("工作区中保存的小计无法读取（\(what)）：请运行 budget verify 查看，并用 budget load 重建工作区")
    }

    /// The kept nodes as stored, and the rows that could not be read back (an unknown kind, a text
    /// that is not UTF-8, slots that do not decode, a sum or count out of the budget's limits):
    /// `verify` reports them, and such a node is left out.
    static func readKept(_ db: Database) throws -> (nodes: Rollup.FlatKept, bad: [String]) {
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM rollup_node") ?? 0
        var nodes = Rollup.FlatKept(capacity: count), bad: [String] = []
        let limit = BudgetLimits.budgetTotal.fen
        var sums = Array(repeating: Int64(0), count: Slot.count), counts = sums
        // Through SQLite's C API, columns by position: a GRDB Row per node cost `budget tree` a
        // good part of its time at 10^6 lines.
        let sql = "SELECT id, kind, a, b, lines, slots FROM rollup_node ORDER BY id"
        let stmt = try db.makeStatement(sql: sql)
        let s = stmt.sqliteStatement
        func text(_ i: Int32) -> String? {
            guard let p = sqlite3_column_text(s, i) else { return sqlite3_column_type(s, i) == SQLITE_NULL ? nil : "" }
            return String(validating: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, i))), as: UTF8.self)
        }
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
            }
            let id = sqlite3_column_int64(s, 0), lines = sqlite3_column_int64(s, 4)
            guard let kind = text(1), let a = text(2), let b = text(3) else { bad.append("节点 #\(id) 的文字无法读取"); continue }
            guard let n = node(kind: kind, a: a, b: b) else { bad.append("未知的节点种类 `\(kind)`（\(a) \(b)）"); continue }
            if lines <= 0 { bad.append("节点 \(keyText(kind, a, b)) 的明细条数 \(lines) 超出范围"); continue }
            for k in 0..<Slot.count { sums[k] = 0; counts[k] = 0 }
            let blob = UnsafeRawBufferPointer(start: sqlite3_column_blob(s, 5), count: Int(sqlite3_column_bytes(s, 5)))
            if let problem = KeptSlots.decode(blob, limit: limit, maxLines: lines, sums: &sums, lines: &counts) {
                bad.append(problem.text(keyText(kind, a, b))); continue
            }
            nodes.add(n, lines: lines, sums: sums, slotLines: counts)
        }
        return (nodes, bad)
    }

    /// The kept roll-up over `budget`'s codes and units; refused (with what to do) when a kept
    /// row does not read back, never summed past the limits.
    static func keptRollup(_ db: Database, budget: Budget) throws -> Rollup {
        let (nodes, bad) = try readKept(db)
        if let first = bad.first { throw unreadableKept(first) }
        return Rollup(kept: budget.codes, units: budget.units, flat: nodes)
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
    enum Value { case int(Int64), text(String), blob([UInt8]) }
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
            case .blob(let b):
                // An empty array has no address, and a null pointer would bind NULL, not a BLOB.
                try check(b.isEmpty ? sqlite3_bind_zeroblob(s, i, 0)
                                    : b.withUnsafeBytes { sqlite3_bind_blob(s, i, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT_PTR) })
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
