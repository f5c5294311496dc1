import BudgetCore
import GRDB
import GRDBSQLite

/// Reads line items straight through SQLite's C API: columns by position, codes interned (one
/// String per distinct code). Opening a 10^6-line workspace must not look up each column by name
/// and build a String per field. Every return code is checked.
struct ItemReader {
    static let columns = "id, unit, function, economic, source, carryover, kind, project, amount, gov_economic, memo, version, basis"

    /// The items of `SELECT <columns> FROM item <tail>` (tail: a WHERE and ORDER BY with `?` arguments).
    static func fetch(_ db: Database, tail: String, arguments: StatementArguments = []) throws -> [StoredItem] {
        let sql = "SELECT \(columns) FROM item \(tail)"
        // Cached: a step of 5000 lines reads each line by id, twice.
        let stmt = try db.cachedStatement(sql: sql)
        try stmt.setArguments(arguments)
        let s = stmt.sqliteStatement
        defer { sqlite3_reset(s) }
        var codes = TextInterner(), memos = TextInterner(limit: 4096)
        func text(_ i: Int32, _ interner: inout TextInterner) -> String? {
            guard sqlite3_column_type(s, i) != SQLITE_NULL, let p = sqlite3_column_text(s, i) else { return nil }
            return interner.intern(UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, i))))
        }
        var out: [StoredItem] = []
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
            }
            let item = LineItem(
                unit: text(1, &codes) ?? "", function: text(2, &codes) ?? "", economic: text(3, &codes) ?? "",
                source: Source(rawValue: Int(sqlite3_column_int64(s, 4))) ?? .generalPublic,
                carryover: Carryover(rawValue: Int(sqlite3_column_int64(s, 5))) ?? .currentYear,
                kind: ExpenditureKind(rawValue: Int(sqlite3_column_int64(s, 6))) ?? .basic,
                project: text(7, &codes), amount: Money(fen: sqlite3_column_int64(s, 8)),
                governmentEconomic: text(9, &codes), memo: text(10, &memos) ?? "", basis: text(12, &memos))
            out.append(StoredItem(id: sqlite3_column_int64(s, 0), version: sqlite3_column_int64(s, 11), item: item))
        }
        return out
    }
}
