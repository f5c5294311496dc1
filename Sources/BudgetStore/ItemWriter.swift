import BudgetCore
import GRDB
import GRDBSQLite

/// Bulk insertion of line items straight through SQLite's C API: a 10^6-line load must not pay for
/// building a GRDB argument array per row. Every return code is checked.
struct ItemWriter {
    let db: Database
    init(_ db: Database) { self.db = db }

    static let sql = """
        INSERT INTO item(unit, function, economic, source, carryover, kind, project, amount, gov_economic, memo, basis)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let sqlWithID = """
        INSERT INTO item(unit, function, economic, source, carryover, kind, project, amount, gov_economic, memo, basis, id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Inserts lines; with `firstID` they get the ids firstID, firstID + 1, … (else SQLite picks).
    func insert(_ items: [LineItem], firstID: Int64? = nil) throws {
        let stmt = try db.makeStatement(sql: firstID == nil ? ItemWriter.sql : ItemWriter.sqlWithID)
        let s = stmt.sqliteStatement
        for (i, item) in items.enumerated() {
            try bind(s, item)
            if let f = firstID { try check(sqlite3_bind_int64(s, 12, f + Int64(i))) }
            let rc = sqlite3_step(s)
            if rc != SQLITE_DONE {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: ItemWriter.sql)
            }
            try check(sqlite3_reset(s))
        }
    }

    private func check(_ rc: Int32) throws {
        if rc != SQLITE_OK {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: ItemWriter.sql)
        }
    }

    private func bindText(_ s: OpaquePointer?, _ i: Int32, _ text: String?) throws {
        try check(sqliteBindText(s, i, text))
    }

    private func bind(_ s: OpaquePointer?, _ item: LineItem) throws {
        try bindText(s, 1, item.unit)
        try bindText(s, 2, item.function)
        try bindText(s, 3, item.economic)
        try check(sqlite3_bind_int64(s, 4, Int64(item.source.rawValue)))
        try check(sqlite3_bind_int64(s, 5, Int64(item.carryover.rawValue)))
        try check(sqlite3_bind_int64(s, 6, Int64(item.kind.rawValue)))
        try bindText(s, 7, item.project)
        try check(sqlite3_bind_int64(s, 8, item.amount.fen))
        try bindText(s, 9, item.governmentEconomic)
        try bindText(s, 10, item.memo)
        try bindText(s, 11, item.basis)
    }
}

/// Binds text, or NULL for nil, to parameter `i`; SQLite copies it. Returns SQLite's result code.
func sqliteBindText(_ s: OpaquePointer?, _ i: Int32, _ text: String?) -> Int32 {
    guard var t = text else { return sqlite3_bind_null(s, i) }
    return t.withUTF8 { b in sqliteBindText(s, i, UnsafeRawBufferPointer(b)) }
}

/// Binds UTF-8 bytes as text to parameter `i`; SQLite copies them.
func sqliteBindText(_ s: OpaquePointer?, _ i: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return sqlite3_bind_text(s, i, "", 0, SQLITE_TRANSIENT_PTR) }
    return sqlite3_bind_text(s, i, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), SQLITE_TRANSIENT_PTR)
}

/// SQLITE_TRANSIENT: SQLite copies the text before the call returns.
let SQLITE_TRANSIENT_PTR = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
