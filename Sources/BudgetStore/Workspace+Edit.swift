import BudgetCore
import Foundation
import GRDB

extension Workspace {
    static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }

    /// Validates a line against the workspace's codes, units and projects, and its values
    /// (amount within the line limit, no control character in a text: SQLite would cut a text at
    /// a NUL while the change log kept it whole).
    static func validate(_ item: LineItem, _ db: Database, column: String = "") throws {
        let b = try readContext(db)
        var out = ProblemCollector()
        LineValueRules.check(item, at: { Location(column: $0) }, into: &out)
        LineItemValidator(codes: b.codes, units: b.units, projects: b.projects)
            .validate(item, at: { Location(column: $0) }, into: &out)
        do { try out.throwIfErrors() } catch { throw WorkspaceError.invalid(error) }
    }

    /// The stored lines' total, in 分 (at most `BudgetLimits.budgetTotal`: every write keeps it so).
    static func itemTotal(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT coalesce(sum(amount), 0) FROM item") ?? 0
    }

    /// Refuses a change that would bring the lines' total to `total` past the budget's limit.
    static func checkTotal(_ total: Money?) throws {
        if let total, total <= BudgetLimits.budgetTotal { return }
        let p = Problem(rule: .budgetTotal, location: Location(column: "amount"),
                        message: "这次修改后" + BudgetLimits.totalMessage("支出合计", total) + "；未做任何更改")
        throw WorkspaceError.invalid(ProblemsError([p]))
    }

    /// `a + b` for amounts within Int64, nil past it.
    static func sum(_ a: Int64, _ b: Int64) -> Money? {
        let (s, o) = a.addingReportingOverflow(b)
        return o ? nil : Money(fen: s)
    }

    /// Codes, units and projects (no items): what a line is validated against.
    static func readContext(_ db: Database) throws -> Budget {
        try readBudget(db, withItems: false).budget
    }

    static func log(_ db: Database, id: Int64, author: String, action: String, before: LineItem?, after: LineItem?) throws {
        try ChangeLogWriter(db, author: author).log(id: id, action: action, before: before, after: after)
    }

    /// The id for a new line: past every line that exists or ever existed, so an id's history
    /// (change_log) never mixes two lines, even after the newest line was removed.
    static func nextItemID(_ db: Database) throws -> Int64 {
        let sql = "SELECT max(coalesce((SELECT max(id) FROM item), 0), coalesce((SELECT max(item_id) FROM change_log), 0)) + 1"
        return try Int64.fetchOne(db, sql: sql) ?? 1
    }

    /// Adds one line in one transaction, logged. Refused (nothing written) if it breaks a data rule.
    /// A line with a basis gets the amount it computes.
    @discardableResult
    public func add(_ item: LineItem, author: String) throws -> StoredItem {
        try addReporting(item, author: author).saved[0]
    }

    /// `add`, with every line that moved with it (`AppliedStep.moved`, also in `saved` after the line).
    public func addReporting(_ item: LineItem, author: String) throws -> AppliedStep {
        try write { db in
            try Workspace.validate(item, db)
            let total = try Workspace.itemTotal(db)
            let step = try self.apply([.add(item)], author: author, locate: { _, c in Location(column: c) }, db)
            try Workspace.checkTotalAfter(db, before: total)
            return step
        }
    }

    /// The stored line `id`, refused when it is gone or, with `expectedVersion`, changed since.
    static func current(_ id: Int64, expectedVersion: Int64?, _ db: Database) throws -> StoredItem {
        guard let current = try fetchItems(db, tail: "WHERE id = ?", arguments: [id]).first else {
            if let v = expectedVersion { throw WorkspaceError.versionConflict(current: nil, expected: v) }
            throw WorkspaceError.itemNotFound(id)
        }
        if let v = expectedVersion, v != current.version {
            throw WorkspaceError.versionConflict(current: current, expected: v)
        }
        return current
    }

    /// Changes one line. With `expectedVersion`, a line changed by someone else since is refused
    /// with its current value, never silently overwritten.
    @discardableResult
    public func set(_ id: Int64, to item: LineItem, expectedVersion: Int64? = nil, author: String) throws -> StoredItem {
        try setReporting(id, to: item, expectedVersion: expectedVersion, author: author).saved[0]
    }

    /// `set`, with every line that moved with it.
    public func setReporting(_ id: Int64, to item: LineItem, expectedVersion: Int64? = nil, author: String) throws -> AppliedStep {
        try write { db in
            _ = try Workspace.current(id, expectedVersion: expectedVersion, db)
            try Workspace.validate(item, db)
            let total = try Workspace.itemTotal(db)
            let step = try self.apply([.set(id: id, to: item, expectedVersion: expectedVersion)], author: author,
                                      locate: { _, c in Location(column: c, item: id) }, db)
            try Workspace.checkTotalAfter(db, before: total)
            return step
        }
    }

    /// Removes one line, logged; returns what it was.
    @discardableResult
    public func remove(_ id: Int64, expectedVersion: Int64? = nil, author: String) throws -> StoredItem {
        try removeReporting(id, expectedVersion: expectedVersion, author: author).removed[0]
    }

    /// `remove`, with every line that moved with it (refused when a line reads the removed one and would break).
    public func removeReporting(_ id: Int64, expectedVersion: Int64? = nil, author: String) throws -> AppliedStep {
        try write { db in
            _ = try Workspace.current(id, expectedVersion: expectedVersion, db)
            let total = try Workspace.itemTotal(db)
            let step = try self.apply([.remove(id: id, expectedVersion: expectedVersion)], author: author,
                                      locate: { _, c in Location(column: c) }, db)
            try Workspace.checkTotalAfter(db, before: total)
            return step
        }
    }

    /// Applies the edits of one step of the workbench (a typed cell, a pasted block, a removal,
    /// an undo) in one transaction: every line is checked first (versions, data rules; all
    /// problems at once), then all are written and logged, or nothing is. `locate(i, column)`
    /// names the place of edit `i` in a problem. With `keepingBases` (the default), a line with a
    /// basis edited without one keeps its basis unless the amount changed: for an editor that does
    /// not carry bases. The workbench's intentions carry them and pass false.
    @discardableResult
    public func apply(_ edits: [LineEdit], author: String,
                      locate: (Int, String) -> Location = { Location(line: $0 + 1, column: $1) },
                      keepingBases: Bool = true) throws -> AppliedStep {
        try write { db in try self.apply(edits, author: author, locate: locate, keepingBases: keepingBases, db) }
    }

    /// Reverts the step that wrote change-log rows `step` (undo; and redo, which reverts the
    /// undo): newest row first, a removed line comes back under its old id. Refused, nothing
    /// written, when a line was changed by anyone after the step: an undo never overwrites
    /// someone's later work.
    @discardableResult
    public func revert(_ step: ClosedRange<Int64>, author: String) throws -> AppliedStep {
        try write { db in
            var now: [Int64: StoredItem?] = [:]
            func current(_ id: Int64) throws -> StoredItem? {
                if let c = now[id] { return c }
                return try Workspace.fetchItems(db, tail: "WHERE id = ?", arguments: [id]).first
            }
            var edits: [LineEdit] = []
            for e in try ChangeLogReader.entries(db, step).reversed() {
                let cur = try current(e.itemID)
                switch e.action {
                case "add", "set":
                    guard let c = cur, c.item == e.after else { throw WorkspaceError.changedSince(id: e.itemID, current: cur) }
                    if let before = e.before {
                        edits.append(.set(id: e.itemID, to: before, expectedVersion: c.version))
                        now[e.itemID] = StoredItem(id: e.itemID, version: c.version + 1, item: before)
                    } else {
                        edits.append(.remove(id: e.itemID, expectedVersion: c.version))
                        now[e.itemID] = .some(nil)
                    }
                default: // "rm"
                    guard cur == nil, let before = e.before else { throw WorkspaceError.changedSince(id: e.itemID, current: cur) }
                    edits.append(.restore(id: e.itemID, item: before))
                    now[e.itemID] = StoredItem(id: e.itemID, version: 1, item: before)
                }
            }
            return try self.apply(edits, author: author, locate: { _, c in Location(column: c) }, db)
        }
    }

    /// `keepingBases`: a `set` whose line comes without a basis keeps the stored line's basis when
    /// its amount is the stored one — an editor that does not carry bases (the grid) changed
    /// another field; a different amount is typed over the basis and replaces it. The CLI's
    /// `--amount` and `--basis ""` and an undo say exactly what they mean and pass false.
    func apply(_ edits: [LineEdit], author: String, locate: (Int, String) -> Location, keepingBases: Bool = false,
               _ db: Database) throws -> AppliedStep {
        // The revision is bumped by triggers on every write to codes, units and projects, by any process.
        let revision = try Int64.fetchOne(db, sql: "SELECT context FROM revision") ?? -1
        let validator = try validators.validator(at: revision) {
            let context = try Workspace.readContext(db)
            return LineItemValidator(codes: context.codes, units: context.units, projects: context.projects)
        }
        var problems = ProblemCollector()
        // Check everything first; an id edited twice in one step sees its first edit.
        var now: [Int64: StoredItem?] = [:]
        func current(_ id: Int64) throws -> StoredItem? {
            if let c = now[id] { return c }
            return try Workspace.fetchItems(db, tail: "WHERE id = ?", arguments: [id]).first
        }
        func check(_ id: Int64, _ expected: Int64?) throws -> StoredItem {
            let cur = try current(id)
            guard let c = cur else {
                if let v = expected { throw WorkspaceError.versionConflict(current: nil, expected: v) }
                throw WorkspaceError.itemNotFound(id)
            }
            if let v = expected, v != c.version { throw WorkspaceError.versionConflict(current: c, expected: v) }
            return c
        }
        var next = try Workspace.nextItemID(db)
        var plan: [(id: Int64, action: String, before: StoredItem?, after: StoredItem?)] = []
        plan.reserveCapacity(edits.count)
        for (i, e) in edits.enumerated() {
            switch e {
            case .add(let item):
                validator.validate(item, at: { locate(i, $0) }, into: &problems)
                plan.append((next, "add", nil, StoredItem(id: next, version: 1, item: item)))
                next += 1
            case .set(let id, var item, let expected):
                let c = try check(id, expected)
                if keepingBases, item.basis == nil, let kept = c.item.basis, item.amount == c.item.amount { item.basis = kept }
                validator.validate(item, at: { locate(i, $0) }, into: &problems)
                let after = StoredItem(id: id, version: c.version + 1, item: item)
                plan.append((id, "set", c, after))
                now[id] = after
            case .remove(let id, let expected):
                let c = try check(id, expected)
                plan.append((id, "rm", c, nil))
                now[id] = .some(nil)
            case .restore(let id, let item):
                if let c = try current(id) { throw WorkspaceError.changedSince(id: id, current: c) }
                validator.validate(item, at: { locate(i, $0) }, into: &problems)
                // Past every version the line ever had (each version was logged), so an editor
                // holding a version of its earlier life cannot overwrite it.
                let logged = try Int64.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM change_log WHERE item_id = ?"), arguments: [id]) ?? 0
                let after = StoredItem(id: id, version: logged + 1, item: item)
                plan.append((id, "add", nil, after))
                now[id] = after
            }
        }
        do { try problems.throwIfErrors() } catch { throw WorkspaceError.invalid(error) }

        // 测算依据: an edited line with a basis gets the amount it computes, and the lines whose
        // bases read an edited line move with it. Refused, nothing written, on a cycle or a problem.
        var moved: [AmountChange] = []
        if try plan.contains(where: { $0.after?.item.basis != nil }) || Workspace.hasBasisLines(db) {
            var engine = try Workspace.engine(db, lines: true)
            var index: [Int64: Int] = [:]
            for (k, p) in plan.enumerated() where index[p.id] == nil { index[p.id] = k }
            let edits = plan.map { p in p.after.map { BasisEdit.setLine(id: p.id, $0.item) } ?? .removeLine(id: p.id) }
            let updates: [BasisUpdate]
            do {
                updates = try engine.apply(edits, locate: { id in index[id].map { locate($0, "basis") } ?? BasisEngine.itemLocation(id) })
            } catch { throw WorkspaceError.invalid(error) }
            for k in plan.indices {
                guard var a = plan[k].after, a.item.basis != nil, let amount = engine.amount(of: a.id) else { continue }
                a.item.amount = amount
                plan[k].after = a
                LineValueRules.check(amount, at: locate(k, "basis"), into: &problems)
            }
            do { try problems.throwIfErrors() } catch { throw WorkspaceError.invalid(error) }
            moved = Workspace.moved(updates, except: Set(plan.map(\.id)))
        }

        let firstLog = (try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM change_log") ?? 0) + 1
        let log = try ChangeLogWriter(db, author: author)
        let insert = try db.cachedStatement(sql: """
            INSERT INTO item(unit, function, economic, source, carryover, kind, project, amount, gov_economic, memo, basis, version, id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let update = try db.cachedStatement(sql: """
            UPDATE item SET unit = ?, function = ?, economic = ?, source = ?, carryover = ?, kind = ?, project = ?,
            amount = ?, gov_economic = ?, memo = ?, basis = ?, version = ? WHERE id = ?
            """)
        let delete = try db.cachedStatement(sql: "DELETE FROM item WHERE id = ?")
        var step = AppliedStep()
        var delta = try deltas.rollup(at: revision) { try Workspace.rollupDelta(db) }
        for p in plan {
            if let b = p.before { delta.add(b.item, sign: -1) }
            if let a = p.after { delta.add(a.item, sign: 1) }
            switch (p.before, p.after) {
            case (nil, let a?):
                let i = a.item
                try insert.execute(arguments: [i.unit, i.function, i.economic, i.source.rawValue, i.carryover.rawValue, i.kind.rawValue,
                                               i.project, i.amount.fen, i.governmentEconomic, i.memo, i.basis, a.version, a.id])
                step.saved.append(a)
            case (let b?, let a?):
                let i = a.item
                try update.execute(arguments: [i.unit, i.function, i.economic, i.source.rawValue, i.carryover.rawValue, i.kind.rawValue,
                                               i.project, i.amount.fen, i.governmentEconomic, i.memo, i.basis, a.version, b.id])
                step.saved.append(a)
            case (let b?, nil):
                try delete.execute(arguments: [b.id])
                step.removed.append(b)
            case (nil, nil):
                continue
            }
            try log.log(id: p.id, action: p.action, before: p.before?.item, after: p.after?.item)
        }
        try Workspace.keep(delta, db)
        let others = try Workspace.writeMoved(moved, log: log, db)
        step.saved += others
        step.moved = moved
        let logged = plan.count + others.count
        if logged > 0 { step.log = firstLog...(firstLog + Int64(logged) - 1) }
        return step
    }

    /// Adds many lines in one transaction (an import); with `replace`, all lines are replaced.
    /// Units and projects the lines need can come in the same transaction, and `revenue`, when
    /// given, replaces the revenue lines. All-or-nothing: the caller has validated the lines against
    /// the codes (FileImporter.plan); their values and the totals are checked here, inside the
    /// transaction, and a constraint broken anywhere refuses the whole batch. `basis` (the input
    /// template's 参数, 标准 and 人员 sheets) is written first in the same transaction, so the lines
    /// are computed against it.
    @discardableResult
    public func addItems(_ items: [LineItem], replace: Bool, author: String, newUnits: [BudgetUnit] = [],
                         newProjects: [Project] = [], revenue: [RevenueLine]? = nil, basis: BasisTables = BasisTables()) throws -> Int {
        var values = ProblemCollector()
        for (i, item) in items.enumerated() {
            LineValueRules.check(item, at: { Location(line: i + 1, column: $0) }, into: &values)
            if values.isFull { break }
        }
        LineValueRules.checkTotals(items: items, revenue: revenue ?? [], itemsAt: Location(column: "amount"),
                                   revenueAt: Location(file: "收入"), into: &values)
        do { try values.throwIfErrors() } catch { throw WorkspaceError.invalid(error) }
        return try write { db in
            try Workspace.insert(units: newUnits, projects: newProjects, db)
            try Workspace.writeBasisTables(basis, author: author, db)
            // 测算依据: the new lines with a basis get their computed amounts, and stored lines
            // whose bases read the new ones move; one build over the whole result.
            var items = items
            var moved: [AmountChange] = []
            if try items.contains(where: { $0.basis != nil }) || (!replace && Workspace.hasBasisLines(db)) {
                let old = replace ? [] : try Workspace.fetchItems(db, tail: "ORDER BY id")
                let first = try Workspace.nextItemID(db)
                let staff = try Workspace.readStaff(db)
                let parameters = try Workspace.readParameters(db), standards = try Workspace.readStandards(db)
                let codes = try Workspace.readCodes(db)
                let all = old.map(\.item) + items, ids = old.map(\.id) + items.indices.map { first + Int64($0) }
                let engine: BasisEngine
                do throws(ProblemsError) {
                    engine = try BasisEngine(items: all, ids: ids,
                                             parameters: parameters, standards: standards,
                                             staff: staff.map(\.row), staffIDs: staff.map(\.id), codes: codes,
                                             locate: { id in id >= first ? Location(line: Int(id - first) + 1, column: "basis") : BasisEngine.itemLocation(id) })
                } catch { throw WorkspaceError.invalid(error) }
                var computed = ProblemCollector()
                for i in items.indices where items[i].basis != nil {
                    if let a = engine.amount(of: first + Int64(i)) { items[i].amount = a }
                    LineValueRules.check(items[i].amount, at: Location(line: i + 1, column: "basis"), into: &computed)
                }
                do throws(ProblemsError) { try computed.throwIfErrors() } catch { throw WorkspaceError.invalid(error) }
                moved = old.compactMap { o in
                    guard let a = engine.amount(of: o.id), a != o.item.amount else { return nil }
                    return AmountChange(id: o.id, old: o.item.amount, new: a)
                }
            }
            let added = BudgetLimits.total(items.lazy.map(\.amount)) ?? .zero
            try Workspace.checkTotal(Workspace.sum(replace ? 0 : try Workspace.itemTotal(db), added.fen))
            if let revenue {
                try db.execute(sql: "DELETE FROM revenue")
                try Workspace.insert(revenue: revenue, db)
            }
            let log = try ChangeLogWriter(db, author: author)
            let first = try Workspace.nextItemID(db)
            // The new lines' roll-up, computed in memory once, on the other core while SQLite
            // writes, and added node by node (a whole replacement starts from empty kept sums).
            let lines = items, empty = try Workspace.rollupDelta(db)
            let delta = Background { var d = empty; for item in lines { d.add(item, sign: 1) }; return d }
            var indexes: [String] = []
            if replace {
                try log.logRemovingEveryLine()
                indexes = try Workspace.recreateEmpty(["rollup_node", "item"], db)
            }
            try ItemWriter(db, withIDs: true).insert(items, firstID: first)
            for sql in indexes { try db.execute(sql: sql) }
            try Workspace.keep(delta.value(), db)
            try log.logAll(count: items.count, action: "add") { (first + Int64($0), nil, items[$0]) }
            if !moved.isEmpty {
                _ = try Workspace.writeMoved(moved, log: log, db)
                try Workspace.checkTotalAfter(db, before: 0)
            }
            return items.count
        }
    }

    /// Empties tables by dropping them and making them again from their own schema text (a
    /// replacing import empties the lines and the kept sums): a DELETE checks every row's foreign
    /// keys (0.1 s at 10^5 lines, 0.6 s at 10^6), a DROP of a table no other table references
    /// frees its pages. `tables` is in dropping order, children first; they are made again in the
    /// reverse order, from exactly the SQL SQLite keeps for them, so the schema stays what the
    /// migrations made (`LoadTests` compares it). Returns their indexes' SQL (not the automatic
    /// ones of UNIQUE and PRIMARY KEY): the caller makes them after its inserts, one build each.
    static func recreateEmpty(_ tables: [String], _ db: Database) throws -> [String] {
        var made: [String] = [], indexes: [String] = []
        for t in tables {
            guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [t]) else {
                throw WorkspaceError.database("工作区缺少表 \(t)")
            }
            // A trigger on the table would go with it and is not made again: the schema has none.
            let triggers = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", arguments: [t]) ?? 0
            guard triggers == 0 else { throw WorkspaceError.database("表 \(t) 有触发器，不能整表重建") }
            made.append(sql)
            indexes += try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name", arguments: [t])
            try db.execute(sql: "DROP TABLE \(t)")
        }
        for sql in made.reversed() { try db.execute(sql: sql) }
        return indexes
    }

    /// Adds or renames codes of one set in one transaction. A code whose name differs from the
    /// default becomes the workbook's own (written back to codes.csv).
    public func importCodes(_ set: CodeSet, _ codes: [(code: String, name: String)]) throws -> (added: Int, renamed: Int) {
        try write { db in
            var added = 0, renamed = 0
            for (code, name) in codes {
                if let old = try String.fetchOne(db, sql: "SELECT name FROM code WHERE code_set = ? AND code = ?", arguments: [set.rawValue, code]) {
                    if old != name {
                        try db.execute(sql: "UPDATE code SET name = ?, origin = 'workbook' WHERE code_set = ? AND code = ?",
                                       arguments: [name, set.rawValue, code])
                        renamed += 1
                    }
                } else {
                    try db.execute(sql: "INSERT INTO code(code_set, code, name, origin) VALUES (?, ?, ?, 'workbook')",
                                   arguments: [set.rawValue, code, name])
                    added += 1
                }
            }
            return (added, renamed)
        }
    }

    /// One write transaction; database errors become messages, workspace errors pass through.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try dbWriter.write(body) } catch let e as WorkspaceError { throw e } catch let e as DatabaseError {
            throw WorkspaceError.database(e.message ?? "\(e)")
        }
    }
}

/// One edit of a workbench step (`Workspace.apply`).
public enum LineEdit: Sendable, Hashable {
    case add(LineItem)
    /// With `expectedVersion`, refused when the line changed since the editor saw it.
    case set(id: Int64, to: LineItem, expectedVersion: Int64?)
    case remove(id: Int64, expectedVersion: Int64?)
    /// Re-adds a removed line under its old id (the undo of a removal); refused if the id exists.
    case restore(id: Int64, item: LineItem)
}

/// What one step wrote.
public struct AppliedStep: Sendable {
    /// The lines as they are now (added, changed or restored), in edit order.
    public var saved: [StoredItem] = []
    /// The lines removed, as they were.
    public var removed: [StoredItem] = []
    /// The change-log ids the step wrote (contiguous: one transaction); nil when it wrote nothing.
    /// `revert(log)` undoes the step.
    public var log: ClosedRange<Int64>?
    /// Lines nobody edited whose amount moved with the step (their bases read an edited line),
    /// old → new; they are also in `saved`, after the edited lines.
    public var moved: [AmountChange] = []
    public init() {}
}

/// The validator of the newest context revision a step read (one per open workspace).
final class ValidatorCache: @unchecked Sendable {
    private let lock = NSLock()
    private var revision: Int64 = -1
    private var validator: LineItemValidator?

    func validator(at revision: Int64, read: () throws -> LineItemValidator) throws -> LineItemValidator {
        lock.lock()
        defer { lock.unlock() }
        if revision >= 0, revision == self.revision, let v = validator { return v }
        let v = try read()
        self.revision = revision
        validator = v
        return v
    }
}

/// An empty line-free roll-up over the context of the newest revision a step read: a step's
/// delta starts from a copy, so an edit does not read the code book again.
final class RollupDeltaCache: @unchecked Sendable {
    private let lock = NSLock()
    private var revision: Int64 = -1
    private var empty: Rollup?

    func rollup(at revision: Int64, read: () throws -> Rollup) throws -> Rollup {
        lock.lock()
        defer { lock.unlock() }
        if revision >= 0, revision == self.revision, let r = empty { return r }
        let r = try read()
        self.revision = revision
        empty = r
        return r
    }
}
