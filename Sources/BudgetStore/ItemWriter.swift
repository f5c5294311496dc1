import BudgetCore
import GRDB
import GRDBSQLite

/// Bulk insertion of line items straight through SQLite's C API: a 10^6-line load must not pay for
/// building a GRDB argument array per row. Every return code is checked.
final class ItemWriter {
    let db: Database
    private let statement: Statement
    private let withIDs: Bool

    /// Prepares the insert once; `withIDs`: the caller gives the ids (`insert(_:firstID:)`).
    init(_ db: Database, withIDs: Bool = false) throws {
        self.db = db
        self.withIDs = withIDs
        statement = try db.makeStatement(sql: withIDs ? ItemWriter.sqlWithID : ItemWriter.sql)
    }

    static let sql = """
        INSERT INTO item(unit, function, economic, source, carryover, kind, project, amount, gov_economic, memo, basis)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let sqlWithID = """
        INSERT INTO item(unit, function, economic, source, carryover, kind, project, amount, gov_economic, memo, basis, id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Inserts lines; with `firstID` (and `withIDs`) they get the ids firstID, firstID + 1, … (else SQLite picks).
    /// SQLite keeps bindings across resets, so a text repeated from the line before (bit for bit:
    /// one interned String, `String.isIdentical`) is not copied into SQLite again.
    func insert(_ items: [LineItem], firstID: Int64? = nil) throws {
        precondition(withIDs == (firstID != nil), "ItemWriter: ids given exactly when prepared for them")
        let s = statement.sqliteStatement
        var id = firstID ?? 0
        try items.withUnsafeBufferPointer { lines in
            for k in lines.indices {
                try bind(s, lines, k)
                if withIDs { try check(sqlite3_bind_int64(s, 12, id)); id += 1 }
                let rc = sqlite3_step(s)
                if rc != SQLITE_DONE {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: ItemWriter.sql)
                }
                try check(sqlite3_reset(s))
            }
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

    /// Binds line `k`; a text identical to line k − 1's keeps its binding (k = 0 binds everything:
    /// the lines of an earlier call may be gone).
    @inline(__always)
    private func bind(_ s: OpaquePointer?, _ lines: UnsafeBufferPointer<LineItem>, _ k: Int) throws {
        let all = k == 0, p = k == 0 ? k : k - 1
        if all || !lines[p].unit.isIdentical(to: lines[k].unit) { try bindText(s, 1, lines[k].unit) }
        if all || !lines[p].function.isIdentical(to: lines[k].function) { try bindText(s, 2, lines[k].function) }
        if all || !lines[p].economic.isIdentical(to: lines[k].economic) { try bindText(s, 3, lines[k].economic) }
        try check(sqlite3_bind_int64(s, 4, Int64(lines[k].source.rawValue)))
        try check(sqlite3_bind_int64(s, 5, Int64(lines[k].carryover.rawValue)))
        try check(sqlite3_bind_int64(s, 6, Int64(lines[k].kind.rawValue)))
        if all || !lines[p].project.isIdentical(to: lines[k].project) { try bindText(s, 7, lines[k].project) }
        try check(sqlite3_bind_int64(s, 8, lines[k].amount.fen))
        if all || !lines[p].governmentEconomic.isIdentical(to: lines[k].governmentEconomic) { try bindText(s, 9, lines[k].governmentEconomic) }
        if all || !lines[p].memo.isIdentical(to: lines[k].memo) { try bindText(s, 10, lines[k].memo) }
        if all || !lines[p].basis.isIdentical(to: lines[k].basis) { try bindText(s, 11, lines[k].basis) }
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
