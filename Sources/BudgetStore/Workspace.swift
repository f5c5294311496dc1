import BudgetCore
import BudgetFiles
import Foundation
import GRDB

/// A line item as stored: its id and version (bumped on every change) with the line.
public struct StoredItem: Hashable, Sendable, Codable {
    public var id: Int64
    public var version: Int64
    public var item: LineItem
    public init(id: Int64, version: Int64, item: LineItem) { self.id = id; self.version = version; self.item = item }
}

/// A change-log entry of one line.
public struct ItemChange: Hashable, Sendable, Codable {
    public var itemID: Int64
    public var at: String
    public var author: String
    public var action: String
    public var before: LineItem?
    public var after: LineItem?
}

/// Why a workspace operation was refused. Nothing was changed.
public enum WorkspaceError: Error, CustomStringConvertible, Sendable {
    case notFound(String)
    case notAWorkspace(String)
    case newerVersion(String, [String])
    case itemNotFound(Int64)
    case versionConflict(current: StoredItem?, expected: Int64)
    case invalid(ProblemsError)
    /// An undo or redo found a line changed by someone else after the step: nothing was reverted.
    case changedSince(id: Int64, current: StoredItem?)
    case database(String)

    public var description: String {
        switch self {
        case .notFound(let p): return "工作区 \(p) 不存在（先用 budget init 或 budget load 建立）"
        case .notAWorkspace(let p): return "\(p) 不是预算工作区文件"
        case .newerVersion(let p, let ids):
            return "工作区 \(p) 由更新版本的程序建立（未知的结构版本：\(ids.joined(separator: ", "))），请升级程序后再打开"
        case .itemNotFound(let id): return "明细 #\(id) 不存在"
        case .versionConflict(let current, let expected):
            if let c = current {
                return "明细 #\(c.id) 已被他人修改（你看到的是第 \(expected) 版，现在是第 \(c.version) 版，金额 \(c.item.amount.yuanText) 元），请刷新后再改"
            }
            return "明细已被他人删除"
        case .invalid(let e): return e.description
        case .changedSince(let id, let current):
            if let c = current {
                return "明细 #\(id) 在这一步之后又被修改过（现在金额 \(c.item.amount.yuanText) 元），无法撤销或重做；请查看修改记录后手工修改"
            }
            return "明细 #\(id) 在这一步之后已被删除或重新加入，无法撤销或重做；请查看修改记录后手工修改"
        case .database(let s): return "数据库错误：\(s)"
        }
    }
}

/// The SQLite workspace of one department's budget (GRDB's AppDatabase pattern): it owns the
/// database, runs the migrator when opened, and offers one method per invariant-preserving
/// transaction. WAL mode: readers never block the writer and a committed change survives a crash.
public struct Workspace: Sendable {
    public let path: String
    let dbWriter: any DatabaseWriter
    /// The data rules of the context (codes, units, projects) at a context revision: a step reads
    /// them once per revision instead of once per transaction.
    let validators = ValidatorCache()
    /// The empty kept-subtotal delta of the context at a revision (`Workspace.keep`).
    let deltas = RollupDeltaCache()

    /// Opens an existing workspace, refusing a foreign SQLite file or one from a newer program.
    public static func open(_ path: String) throws -> Workspace {
        guard FileManager.default.fileExists(atPath: path) else { throw WorkspaceError.notFound(path) }
        let pool: DatabasePool
        do { pool = try DatabasePool(path: path, configuration: configuration()) } catch {
            throw WorkspaceError.notAWorkspace(path)
        }
        try checkIdentity(pool, path: path)
        do { try Schema.migrator.migrate(pool) } catch { throw WorkspaceError.database("\(error)") }
        return Workspace(path: path, dbWriter: pool)
    }

    static func configuration() -> Configuration {
        var c = Configuration()
        c.foreignKeysEnabled = true
        c.busyMode = .timeout(10)
        // A 10^5-line import is one transaction of ~40 MB: with SQLite's default 2 MB page cache it
        // spills to the WAL page by page. The cache only grows as far as a transaction needs.
        c.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -65536") }
        return c
    }

    static func checkIdentity(_ writer: any DatabaseWriter, path: String) throws {
        do {
            try writer.read { db in
                let appID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                if appID != Schema.applicationID && !(appID == 0 && tables == 0) {
                    throw WorkspaceError.notAWorkspace(path)
                }
                if try Schema.migrator.hasBeenSuperseded(db) {
                    let known = Set(Schema.migrator.migrations)
                    let applied = try Schema.migrator.appliedIdentifiers(db)
                    throw WorkspaceError.newerVersion(path, applied.filter { !known.contains($0) }.sorted())
                }
            }
        } catch let e as WorkspaceError { throw e } catch {
            throw WorkspaceError.notAWorkspace(path)
        }
    }

    /// Builds a workspace holding `budget`. An existing file is replaced only once the new one is
    /// complete: it is written beside the target and renamed (`AtomicFile`), so a failure or a kill
    /// leaves the old one; the temporary files of loads that were killed are removed first.
    /// `disclosureFiles`: the folder's disclosure files to carry (name → bytes), nil for none (see
    /// `Workspace.disclosureFiles()`).
    @discardableResult
    public static func create(at path: String, budget: Budget, disclosureFiles: [String: [UInt8]]? = nil) throws -> Workspace {
        try create(at: path) { lines in
            var k = 0
            while k < budget.items.count {
                let end = min(k + 8192, budget.items.count)
                lines.send(budget.items[k..<end])
                k = end
            }
            return (budget, disclosureFiles)
        }
    }

    /// `create(at:budget:)` while the budget is read: `read` sends its lines to `lines` as it
    /// parses them (`LineStream.send`) and returns the whole budget. A writer thread inserts the
    /// lines meanwhile, so parsing and SQLite's inserts share the two cores; what is written is
    /// exactly what `create(at:budget:)` writes. The lines sent must be the returned budget's items,
    /// in order; only a line with a basis may change its amount after it was sent (the reader
    /// computes it last). An error of `read` is rethrown as it is, and nothing is replaced.
    @discardableResult
    public static func create(at path: String, timings: LoadTimings? = nil,
                              reading read: (LineStream) throws -> (budget: Budget, disclosureFiles: [String: [UInt8]]?)) throws -> Workspace {
        let url = URL(fileURLWithPath: path)
        let fm = FileManager.default
        let clock = timings ?? LoadTimings()
        var readError: (any Error)?
        do {
            try AtomicFile.replace(url, companions: AtomicFile.sqliteCompanions) { tmp in
                // The build writes a private file that nobody reads until it is renamed, and that is
                // deleted if anything fails: so no journal, no sync per commit, and foreign keys
                // checked once at the end instead of twice per line. AtomicFile syncs it before the rename.
                let queue = try clock.measure("writer", "create the file, migrate") { try buildQueue(tmp.path) }
                let lines = LineStream()
                let writer = LoadWriter(queue: queue, lines: lines, timings: clock)
                do {
                    let (given, files) = try clock.measure("reader", "read, parse and validate (lines sent meanwhile)") {
                        do { return try read(lines) } catch { readError = error; throw error }
                    }
                    lines.endLines()
                    let budget = try clock.measure("reader", "check values, bases; build the kept roll-up") { () throws -> LoadRest in
                        var budget = try checked(given)
                        guard lines.sent == budget.items.count else {
                            throw WorkspaceError.database("读入的明细 \(budget.items.count) 条，写入的 \(lines.sent) 条，不一致")
                        }
                        var rollup = Rollup(kept: budget.codes, units: budget.units, nodes: [])
                        var plain = true
                        budget.items.withUnsafeBufferPointer { items in // borrowed: no copy of each line
                            for k in items.indices {
                                rollup.add(items[k], sign: 1)
                                plain = plain && referencesArePlain(items[k])
                            }
                        }
                        let proven = plain && referencesProven(budget, rollup)
                        let corrected = basisAmounts(budget, lines)
                        budget.items = [] // the writer needs only the corrected amounts
                        return LoadRest(budget: budget, disclosureFiles: files, rollup: rollup, referencesProven: proven,
                                        basisAmounts: corrected)
                    }
                    lines.hand(budget)
                } catch {
                    lines.stop()
                    _ = try? writer.join()
                    throw error
                }
                // Most of the file is written by now (SQLite keeps at most its 64 MiB cache): this
                // thread has nothing left to do, so it flushes that to disk while the writer writes the
                // rest, and AtomicFile's fsync before the rename has less left to wait for. A failure
                // fails the load (after a failed fsync Linux may report the next one clean).
                let flushed = Result { try clock.measure("reader", "early fsync while the writer finishes") { try AtomicFile.sync(tmp.path) } }
                try writer.join()
                try flushed.get()
                try clock.measure("reader", "close the file") { try queue.close() }
                // The replaced workspace's WAL must not be read with the new file.
                for suffix in ["-wal", "-shm"] { try? fm.removeItem(atPath: path + suffix) }
            }
        } catch {
            if let readError { throw readError }
            if case .write(_, let e as WorkspaceError) = error { throw e }
            throw WorkspaceError.database(error.description)
        }
        return try clock.measure("reader", "reopen, WAL") {
            let ws = try open(path)
            try ws.dbWriter.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            return ws
        }
    }

    /// The build's private database: no journal, no sync, foreign keys off (checked at the end).
    static func buildQueue(_ path: String) throws -> DatabaseQueue {
        var config = configuration()
        config.journalMode = .default
        config.foreignKeysEnabled = false
        let queue = try DatabaseQueue(path: path, configuration: config)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: """
                PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536;
                PRAGMA application_id = \(Schema.applicationID)
                """)
        }
        try Schema.migrator.migrate(queue)
        return queue
    }

    /// The budget as stored: the amount of a line with a basis is the computed one (the folder
    /// reader has computed it already; a budget built otherwise is computed here), and every
    /// value within the workbench's limits.
    static func checked(_ given: Budget) throws -> Budget {
        var budget = given
        do { try budget.computeBasisAmounts(locate: { Location(line: Int($0) + 1, column: "basis") }) } catch {
            throw WorkspaceError.invalid(error)
        }
        var limits = ProblemCollector()
        LineValueRules.checkTotals(items: budget.items, revenue: budget.revenue, itemsAt: Location(file: "支出明细"),
                                   revenueAt: Location(file: "收入"), into: &limits)
        LineValueRules.check(budget.items, at: { Location(line: $0 + 1, column: $1) }, into: &limits)
        for (i, r) in budget.revenue.enumerated() { LineValueRules.check(r.amount, at: Location(file: "收入", line: i + 1), into: &limits) }
        do { try limits.throwIfErrors() } catch { throw WorkspaceError.invalid(error) }
        return budget
    }

    /// The lines with a basis whose amount differs from the one they were sent (and inserted)
    /// with: position → the amount to store.
    static func basisAmounts(_ budget: Budget, _ lines: LineStream) -> [Int: Int64] {
        var out: [Int: Int64] = [:]
        for (k, sent) in lines.basisAmounts where budget.items[k].amount.fen != sent { out[k] = budget.items[k].amount.fen }
        return out
    }

    /// A line whose unit and project SQLite compares exactly as Swift does: ASCII texts (Swift's
    /// `==` is canonical equivalence, SQLite's is bytes: `K` and U+212A KELVIN SIGN are equal in
    /// Swift only), and no empty project text (which has no roll-up node but a foreign key).
    @inline(__always)
    static func referencesArePlain(_ item: LineItem) -> Bool {
        guard isASCII(item.unit) else { return false }
        guard let p = item.project else { return true }
        return !p.isEmpty && isASCII(p)
    }

    @inline(__always)
    static func isASCII(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { b in !b.contains { $0 >= 0x80 } }
    }

    /// Whether the lines' references are proven in memory, so that the foreign-key pass over
    /// 10^6 lines can be left out: every line's unit is a unit, and every project line's (unit,
    /// project) a project. The kept roll-up has a node for each distinct unit and (unit, project)
    /// the lines use, so this costs O(nodes); with plain (ASCII) texts on both sides set membership
    /// is byte equality, as SQLite's foreign keys compare.
    static func referencesProven(_ budget: Budget, _ rollup: Rollup) -> Bool {
        guard budget.units.allSatisfy({ isASCII($0.code) }), budget.projects.allSatisfy({ isASCII($0.unit) && isASCII($0.code) }) else {
            return false
        }
        let units = Set(budget.units.map(\.code))
        let projects = Set(budget.projects.map { [$0.unit, $0.code] })
        for n in rollup.knownNodes {
            switch n {
            case .unit(let u): if !units.contains(u) { return false }
            case .project(let u, let c): if !projects.contains([u, c]) { return false }
            default: continue
            }
        }
        return true
    }

    /// Everything of a new workspace but its lines (already inserted), in the build's transaction.
    static func insertRest(_ rest: LoadRest, _ db: Database, timings: LoadTimings) throws {
        let budget = rest.budget
        try timings.measure("writer", "codes, units, projects, basis amounts") {
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('department', ?), ('department_code', ?), ('year', ?)",
                           arguments: [budget.department, budget.departmentCode, String(budget.year)])
            if let t = budget.tableSet { try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('tables', ?)", arguments: [t]) }
            let codeStmt = try db.makeStatement(sql: "INSERT INTO code(code_set, code, name, origin) VALUES (?, ?, ?, ?)")
            for set in CodeSet.allCases {
                for (code, e) in budget.codes.codes(set) {
                    try codeStmt.execute(arguments: [set.rawValue, code, e.name, e.origin.rawValue])
                }
            }
            let mapStmt = try db.makeStatement(sql: "INSERT INTO economic_map VALUES (?, ?, ?, ?)")
            for (e, m) in budget.codes.economicMap.sorted(by: { $0.key < $1.key }) {
                try mapStmt.execute(arguments: [e, m.mapping.administrative, m.mapping.institution, m.origin.rawValue])
            }
            try insert(units: budget.units, projects: budget.projects, db)
            // Lines are inserted in order from id 1, so position k is id k + 1.
            let fix = try db.makeStatement(sql: "UPDATE item SET amount = ? WHERE id = ?")
            for (k, fen) in rest.basisAmounts.sorted(by: { $0.key < $1.key }) { try fix.execute(arguments: [fen, Int64(k) + 1]) }
        }
        // The kept roll-up, computed in memory once and written node by node.
        try timings.measure("writer", "kept roll-up rows") { try keep(rest.rollup, db) }
        try timings.measure("writer", "revenue, bases, disclosure files") {
            try insert(revenue: budget.revenue, db)
            try insertBasis(budget, db)
            if let files = rest.disclosureFiles { try insert(disclosureFiles: files, db) }
        }
        try timings.measure("writer", rest.referencesProven ? "foreign keys (tables not proven in memory)" : "foreign keys (all)") {
            try checkForeignKeys(db, linesProven: rest.referencesProven)
        }
    }

    /// SQLite's foreign-key check of a new workspace; `linesProven`: every table but `item`'s
    /// (whose references `referencesProven` showed), each of them small.
    static func checkForeignKeys(_ db: Database, linesProven: Bool) throws {
        var checks = ["PRAGMA foreign_key_check"]
        if linesProven {
            checks = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master m WHERE type = 'table' AND name <> 'item'
                AND EXISTS (SELECT 1 FROM pragma_foreign_key_list(m.name)) ORDER BY name
                """).map { "PRAGMA foreign_key_check(\($0))" }
        }
        for sql in checks {
            if let bad = try Row.fetchOne(db, sql: sql) {
                throw WorkspaceError.database("外键不一致：表 \(bad[0] as String? ?? "") 第 \(bad[1] as Int64? ?? 0) 行")
            }
        }
    }

    static func insert(units: [BudgetUnit], projects: [Project], _ db: Database) throws {
        for u in units {
            try db.execute(sql: "INSERT INTO unit(code, name, type) VALUES (?, ?, ?)", arguments: [u.code, u.name, u.type.rawValue])
        }
        for p in projects {
            try db.execute(sql: "INSERT INTO project(unit, code, name, category) VALUES (?, ?, ?, ?)",
                           arguments: [p.unit, p.code, p.name, p.category.rawValue])
        }
    }

    static func insert(revenue: [RevenueLine], _ db: Database) throws {
        for r in revenue {
            try db.execute(sql: "INSERT INTO revenue(source, code, amount) VALUES (?, ?, ?)",
                           arguments: [r.source.rawValue, r.code, r.amount.fen])
        }
    }

    /// Closes the database (tests that reopen or kill use it).
    public func close() throws {
        if let pool = dbWriter as? DatabasePool { try pool.close() }
    }
}
