import BudgetCore
import GRDB
import GRDBSQLite

/// Bulk insertion of line items straight through SQLite's C API: a 10^6-line load must not pay for
/// building a GRDB argument array per row. Every return code is checked.
final class ItemWriter {
    let db: Database
    private let one: Statement
    private let many: Statement
    private let withIDs: Bool
    private let width: Int32

    /// Lines per statement of `many`: the schema's `carryover IN (0, 1)` and `kind IN (0, 1)` make
    /// SQLite build two small tables each time a statement runs, which a statement per line paid
    /// for every line (a 10^6-line load spent about a third of its insert time on it).
    static let batch = 64

    /// Prepares the inserts once; `withIDs`: the caller gives the ids (`insert(_:firstID:)`).
    init(_ db: Database, withIDs: Bool = false) throws {
        self.db = db
        self.withIDs = withIDs
        width = withIDs ? 12 : 11
        let row = "(" + Array(repeating: "?", count: Int(width)).joined(separator: ", ") + ")"
        let prefix = "INSERT INTO item(unit, function, economic, source, carryover, kind, project, amount, gov_economic, memo, basis\(withIDs ? ", id" : "")) VALUES "
        one = try db.makeStatement(sql: prefix + row)
        many = try db.makeStatement(sql: prefix + Array(repeating: row, count: ItemWriter.batch).joined(separator: ", "))
    }

    /// The one-line statement's SQL, for error messages.
    private var sql: String { one.sql }

    /// Inserts lines; with `firstID` (and `withIDs`) they get the ids firstID, firstID + 1, … (else SQLite picks).
    /// SQLite keeps bindings across resets, so a text repeated from the line that last used the same
    /// parameters (bit for bit: one interned String, `String.isIdentical`) is not copied into SQLite again.
    func insert(_ items: [LineItem], firstID: Int64? = nil) throws {
        precondition(withIDs == (firstID != nil), "ItemWriter: ids given exactly when prepared for them")
        let id0 = firstID ?? 0
        try items.withUnsafeBufferPointer { lines in
            let full = lines.count / ItemWriter.batch * ItemWriter.batch
            let m = many.sqliteStatement
            var k = 0
            while k < full {
                for r in 0..<ItemWriter.batch {
                    // The line before in this parameter slot is a batch back (none for the first batch of a call).
                    try bind(m, Int32(r) * width, lines, k + r, previous: k == 0 ? nil : k + r - ItemWriter.batch)
                    if withIDs { try check(sqlite3_bind_int64(m, Int32(r) * width + 12, id0 + Int64(k + r))) }
                }
                try step(m)
                k += ItemWriter.batch
            }
            let o = one.sqliteStatement
            while k < lines.count {
                try bind(o, 0, lines, k, previous: k == full ? nil : k - 1)
                if withIDs { try check(sqlite3_bind_int64(o, 12, id0 + Int64(k))) }
                try step(o)
                k += 1
            }
        }
    }

    private func step(_ s: OpaquePointer?) throws {
        let rc = sqlite3_step(s)
        if rc != SQLITE_DONE {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
        }
        try check(sqlite3_reset(s))
    }

    private func check(_ rc: Int32) throws {
        if rc != SQLITE_OK {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
        }
    }

    private func bindText(_ s: OpaquePointer?, _ i: Int32, _ text: String?) throws {
        try check(sqliteBindText(s, i, text))
    }

    /// Binds line `k` to the parameters after `base`; a text identical to line `previous`'s (the
    /// line these parameters held last, in this call) keeps its binding.
    @inline(__always)
    private func bind(_ s: OpaquePointer?, _ base: Int32, _ lines: UnsafeBufferPointer<LineItem>, _ k: Int, previous: Int?) throws {
        let line = lines[k]
        func same(_ f: (LineItem) -> String?) -> Bool {
            guard let previous else { return false }
            return f(lines[previous]).isIdentical(to: f(line))
        }
        if !same({ $0.unit }) { try bindText(s, base + 1, line.unit) }
        if !same({ $0.function }) { try bindText(s, base + 2, line.function) }
        if !same({ $0.economic }) { try bindText(s, base + 3, line.economic) }
        try check(sqlite3_bind_int64(s, base + 4, Int64(line.source.rawValue)))
        try check(sqlite3_bind_int64(s, base + 5, Int64(line.carryover.rawValue)))
        try check(sqlite3_bind_int64(s, base + 6, Int64(line.kind.rawValue)))
        if !same({ $0.project }) { try bindText(s, base + 7, line.project) }
        try check(sqlite3_bind_int64(s, base + 8, line.amount.fen))
        if !same({ $0.governmentEconomic }) { try bindText(s, base + 9, line.governmentEconomic) }
        if !same({ $0.memo }) { try bindText(s, base + 10, line.memo) }
        if !same({ $0.basis }) { try bindText(s, base + 11, line.basis) }
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
