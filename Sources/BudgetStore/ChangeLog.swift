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
        var s = "{\"amount\":\(item.amount.fen),\"carryover\":\(item.carryover.rawValue),\"economic\":"
        append(item.economic, to: &s)
        s += ",\"function\":"
        append(item.function, to: &s)
        if let g = item.governmentEconomic { s += ",\"governmentEconomic\":"; append(g, to: &s) }
        s += ",\"kind\":\(item.kind.rawValue),\"memo\":"
        append(item.memo, to: &s)
        if let p = item.project { s += ",\"project\":"; append(p, to: &s) }
        s += ",\"source\":\(item.source.rawValue),\"unit\":"
        append(item.unit, to: &s)
        s += "}"
        return s
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, the rest as is.
    static func append(_ text: String, to s: inout String) {
        s += "\""
        for u in text.unicodeScalars {
            switch u {
            case "\"": s += "\\\""
            case "\\": s += "\\\\"
            case "\n": s += "\\n"
            case "\r": s += "\\r"
            case "\t": s += "\\t"
            case "\u{08}": s += "\\b"
            case "\u{0C}": s += "\\f"
            case _ where u.value < 0x20:
                let hex = String(u.value, radix: 16)
                s += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: s.unicodeScalars.append(u)
            }
        }
        s += "\""
    }

    static func decode(_ s: String) -> LineItem? { try? JSONDecoder().decode(LineItem.self, from: Data(s.utf8)) }
}

/// Appends change-log rows through one prepared statement (an import writes one per line).
struct ChangeLogWriter {
    static let sql = "INSERT INTO change_log(item_id, at, author, action, before, after) VALUES (?, ?, ?, ?, ?, ?)"
    let db: Database
    let statement: Statement
    /// One time for the whole transaction: its changes happened together.
    let at: String
    let author: String

    init(_ db: Database, author: String) throws {
        self.db = db
        self.statement = try db.makeStatement(sql: ChangeLogWriter.sql)
        self.at = Workspace.now()
        self.author = author
    }

    func log(id: Int64, action: String, before: LineItem?, after: LineItem?) throws {
        let s = statement.sqliteStatement
        try check(sqlite3_bind_int64(s, 1, id))
        try bind(s, 2, at)
        try bind(s, 3, author)
        try bind(s, 4, action)
        try bind(s, 5, before.map(ChangeJSON.encode))
        try bind(s, 6, after.map(ChangeJSON.encode))
        let rc = sqlite3_step(s)
        guard rc == SQLITE_DONE else { try check(rc); return }
        try check(sqlite3_reset(s))
    }

    private func bind(_ s: OpaquePointer?, _ i: Int32, _ text: String?) throws {
        guard var t = text else { try check(sqlite3_bind_null(s, i)); return }
        try check(t.withUTF8 { b -> Int32 in
            guard let base = b.baseAddress, b.count > 0 else { return sqlite3_bind_text(s, i, "", 0, SQLITE_TRANSIENT_PTR) }
            return sqlite3_bind_text(s, i, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(b.count), SQLITE_TRANSIENT_PTR)
        })
    }

    private func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK || rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                                sql: ChangeLogWriter.sql)
        }
    }
}
