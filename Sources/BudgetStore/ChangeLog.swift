import BudgetCore
import Foundation
import GRDB
import GRDBSQLite

/// Line items in the change log, as JSON a person can read: the keys of `LineItem`'s Codable form,
/// sorted, absent when nil. Written by hand because an import logs 10^5 lines in one transaction
/// and a JSONEncoder per line cost more than the import itself; `ChangeLogTests` checks that the
/// text decodes back and equals what JSONEncoder (sorted keys, slashes unescaped) writes.
enum ChangeJSON {
    static func encode(_ item: LineItem) -> String {
        var out: [UInt8] = []
        encode(item, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the JSON of a line to `out` as UTF-8 (the log writer reuses one buffer).
    static func encode(_ item: LineItem, into out: inout [UInt8]) {
        func raw(_ s: StaticString) { out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)) }
        func number(_ n: Int64) { out.append(contentsOf: String(n).utf8) }
        raw("{\"amount\":"); number(item.amount.fen)
        if let b = item.basis { raw(",\"basis\":"); string(b, into: &out) }
        raw(",\"carryover\":"); number(Int64(item.carryover.rawValue))
        raw(",\"economic\":"); string(item.economic, into: &out)
        raw(",\"function\":"); string(item.function, into: &out)
        if let g = item.governmentEconomic { raw(",\"governmentEconomic\":"); string(g, into: &out) }
        raw(",\"kind\":"); number(Int64(item.kind.rawValue))
        raw(",\"memo\":"); string(item.memo, into: &out)
        if let p = item.project { raw(",\"project\":"); string(p, into: &out) }
        raw(",\"source\":"); number(Int64(item.source.rawValue))
        raw(",\"unit\":"); string(item.unit, into: &out)
        raw("}")
    }

    static func string(_ text: String, into out: inout [UInt8]) { JSONText.appendString(text, to: &out) }

    /// The columns `encodeStored` reads, in its order.
    static let storedColumns = "amount, basis, carryover, economic, function, gov_economic, kind, memo, project, source, unit"

    /// The JSON of the line in the current row of `SELECT <storedColumns> …` on `s`, read from the
    /// columns' bytes without making a LineItem: exactly what `encode` writes for the line
    /// `ItemReader` reads from that row (`ChangeLogTests` compares the two). The schema's CHECKs
    /// hold the integers to the enums' raw values.
    static func encodeStored(_ s: OpaquePointer?, into out: inout [UInt8]) {
        func raw(_ t: StaticString) { out.append(contentsOf: UnsafeBufferPointer(start: t.utf8Start, count: t.utf8CodeUnitCount)) }
        func number(_ i: Int32) { out.append(contentsOf: String(sqlite3_column_int64(s, i)).utf8) }
        func isNull(_ i: Int32) -> Bool { sqlite3_column_type(s, i) == SQLITE_NULL }
        func text(_ i: Int32) {
            let p = sqlite3_column_text(s, i), n = Int(sqlite3_column_bytes(s, i))
            JSONText.appendString(utf8: UnsafeBufferPointer(start: p, count: p == nil ? 0 : n), to: &out)
        }
        raw("{\"amount\":"); number(0)
        if !isNull(1) { raw(",\"basis\":"); text(1) }
        raw(",\"carryover\":"); number(2)
        raw(",\"economic\":"); text(3)
        raw(",\"function\":"); text(4)
        if !isNull(5) { raw(",\"governmentEconomic\":"); text(5) }
        raw(",\"kind\":"); number(6)
        raw(",\"memo\":"); text(7)
        if !isNull(8) { raw(",\"project\":"); text(8) }
        raw(",\"source\":"); number(9)
        raw(",\"unit\":"); text(10)
        raw("}")
    }

    static func decode(_ s: String) -> LineItem? { try? JSONDecoder().decode(LineItem.self, from: Data(s.utf8)) }
}

/// Appends change-log rows through one prepared statement (an import writes one per line). The
/// time and author are bound once (SQLite keeps bindings across resets) and the JSON is built in
/// one reused buffer.
final class ChangeLogWriter {
    static let sql = "INSERT INTO change_log(item_id, at, author, action, before, after) VALUES (?, ?, ?, ?, ?, ?)"
    let db: Database
    let statement: Statement
    let at: String
    let author: String
    private var json: [UInt8] = []
    private var boundAction: String?

    /// `at` is one time for the whole transaction: its changes happened together.
    init(_ db: Database, author: String, at: String = Workspace.now()) throws {
        self.db = db
        self.at = at
        self.author = author
        self.statement = try db.makeStatement(sql: ChangeLogWriter.sql)
        json.reserveCapacity(512)
        try bind(statement.sqliteStatement, 2, at)
        try bind(statement.sqliteStatement, 3, author)
    }

    func log(id: Int64, action: String, before: LineItem?, after: LineItem?) throws {
        let s = statement.sqliteStatement
        try check(sqlite3_bind_int64(s, 1, id))
        if action != boundAction { try bind(s, 4, action); boundAction = action }
        try bind(s, 5, before)
        try bind(s, 6, after)
        let rc = sqlite3_step(s)
        guard rc == SQLITE_DONE else { try check(rc); return }
        try check(sqlite3_reset(s))
    }

    /// Rows logged per statement by `logAll`.
    static let batch = 64
    private var batchStatement: Statement?
    private var batchAction: String?

    /// Logs many lines with one action: `count` rows, `row(k)` the k-th (id, before, after), in order, `batch` rows per
    /// statement. The schema's `CHECK (action IN ('add','set','rm'))` makes SQLite build a small
    /// table of the three words each time a statement runs: a statement per line (an import logs
    /// 2 × 10^5) spent more on that than on the row. The rows and their ids are what `log` writes.
    func logAll(count: Int, action: String, _ row: (Int) -> (id: Int64, before: LineItem?, after: LineItem?)) throws {
        var k = 0
        if count >= ChangeLogWriter.batch {
            let s = try batchStatement(action: action).sqliteStatement
            while count - k >= ChangeLogWriter.batch {
                for r in 0..<ChangeLogWriter.batch {
                    let row = row(k + r), base = Int32(r * 6)
                    try check(sqlite3_bind_int64(s, base + 1, row.id))
                    try bind(s, base + 5, row.before)
                    try bind(s, base + 6, row.after)
                }
                let rc = sqlite3_step(s)
                guard rc == SQLITE_DONE else { try check(rc); return }
                try check(sqlite3_reset(s))
                k += ChangeLogWriter.batch
            }
        }
        while k < count {
            let r = row(k)
            try log(id: r.id, action: action, before: r.before, after: r.after)
            k += 1
        }
    }

    /// Logs the removal of every line, in id order, one 'rm' row each, the JSON built straight from
    /// the stored columns (`ChangeJSON.encodeStored`): a replacing import removes up to 10^6 lines,
    /// and reading each into a LineItem first cost a second there. The lines are counted first, so
    /// the rows past the last full batch go straight through the one-row statement.
    func logRemovingEveryLine() throws {
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM item") ?? 0
        let full = total / ChangeLogWriter.batch * ChangeLogWriter.batch
        let select = try db.makeStatement(sql: "SELECT \(ChangeJSON.storedColumns), id FROM item ORDER BY id")
        let q = select.sqliteStatement
        defer { sqlite3_reset(q) }
        let many = try batchStatement(action: "rm").sqliteStatement, one = statement.sqliteStatement
        if boundAction != "rm" { try bind(one, 4, "rm"); boundAction = "rm" }
        var k = 0
        while true {
            let rc = sqlite3_step(q)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { try check(rc); break }
            json.removeAll(keepingCapacity: true)
            ChangeJSON.encodeStored(q, into: &json)
            let inBatch = k < full
            let s = inBatch ? many : one, base = inBatch ? Int32(k % ChangeLogWriter.batch * 6) : 0
            try check(sqlite3_bind_int64(s, base + 1, sqlite3_column_int64(q, 11)))
            try check(json.withUnsafeBytes { sqliteBindText(s, base + 5, $0) })
            try check(sqlite3_bind_null(s, base + 6))
            k += 1
            if !inBatch || k % ChangeLogWriter.batch == 0 {
                let rc = sqlite3_step(s)
                guard rc == SQLITE_DONE else { try check(rc); break }
                try check(sqlite3_reset(s))
            }
        }
    }

    /// The statement of `batch` rows, prepared once, with the time, the author and `action` bound.
    private func batchStatement(action: String) throws -> Statement {
        if batchStatement == nil {
            let one = "(?, ?, ?, ?, ?, ?)"
            let sql = "INSERT INTO change_log(item_id, at, author, action, before, after) VALUES "
                + Array(repeating: one, count: ChangeLogWriter.batch).joined(separator: ", ")
            let st = try db.makeStatement(sql: sql)
            for r in 0..<ChangeLogWriter.batch {
                try bind(st.sqliteStatement, Int32(r * 6 + 2), at)
                try bind(st.sqliteStatement, Int32(r * 6 + 3), author)
            }
            batchStatement = st
        }
        let st = batchStatement!
        if batchAction != action {
            for r in 0..<ChangeLogWriter.batch { try bind(st.sqliteStatement, Int32(r * 6 + 4), action) }
            batchAction = action
        }
        return st
    }

    private func bind(_ s: OpaquePointer?, _ i: Int32, _ item: LineItem?) throws {
        guard let item else { try check(sqlite3_bind_null(s, i)); return }
        json.removeAll(keepingCapacity: true)
        ChangeJSON.encode(item, into: &json)
        try check(json.withUnsafeBytes { sqliteBindText(s, i, $0) })
    }

    private func bind(_ s: OpaquePointer?, _ i: Int32, _ text: String?) throws {
        try check(sqliteBindText(s, i, text))
    }

    private func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK || rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                                sql: ChangeLogWriter.sql)
        }
    }
}

/// Reads change-log rows back as lines (what `Workspace.revert` inverts).
enum ChangeLogReader {
    struct Entry { var id: Int64; var itemID: Int64; var action: String; var before: LineItem?; var after: LineItem? }

    /// The rows with ids in `range`, oldest first. A row whose JSON does not read back is an error:
    /// a revert must never guess a line.
    static func entries(_ db: Database, _ range: ClosedRange<Int64>) throws -> [Entry] {
        let rows = try Row.fetchAll(db, sql: "SELECT id, item_id, action, before, after FROM change_log WHERE id BETWEEN ? AND ? ORDER BY id",
                                    arguments: [range.lowerBound, range.upperBound])
        return try rows.map { r in
            func line(_ i: Int) throws -> LineItem? {
                guard let text = r[i] as String? else { return nil }
                guard let item = ChangeJSON.decode(text) else {
                    throw WorkspaceError.database("修改日志第 \(r[0] as Int64) 条无法读取")
                }
                return item
            }
            return Entry(id: r[0], itemID: r[1], action: r[2], before: try line(3), after: try line(4))
        }
    }
}
