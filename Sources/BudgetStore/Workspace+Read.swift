import BudgetCore
import GRDB

extension Workspace {
    /// The whole budget as stored, items in id order.
    public func budget() throws -> Budget {
        try dbWriter.read { db in try Workspace.readBudget(db).budget }
    }

    /// The budget with the stored ids and versions of its items (same order as `budget.items`).
    public func budgetWithItems() throws -> (budget: Budget, items: [StoredItem]) {
        try dbWriter.read { db in try Workspace.readBudget(db) }
    }

    /// The budget without its line items, and whether the workspace is pristine (no unit, project,
    /// line, revenue or change yet), in one read: what an import is planned against. A workspace
    /// of 10^6 lines is not decoded just to learn that it is not empty.
    public func budgetWithoutItems() throws -> (budget: Budget, isPristine: Bool) {
        try dbWriter.read { db in
            let b = try Workspace.readBudget(db, withItems: false).budget
            let anything = try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM item) OR EXISTS(SELECT 1 FROM change_log)") ?? true
            return (b, !anything && b.units.isEmpty && b.projects.isEmpty && b.revenue.isEmpty)
        }
    }

    static func readBudget(_ db: Database, withItems: Bool = true) throws -> (budget: Budget, items: [StoredItem]) {
        var meta: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM meta") { meta[row[0]] = row[1] }
        var b = Budget(department: meta["department"] ?? "", departmentCode: meta["department_code"] ?? "",
                       year: Int(meta["year"] ?? "") ?? 0, tableSet: meta["tables"])
        b.codes = try readCodes(db)
        b.units = try Row.fetchAll(db, sql: "SELECT code, name, type FROM unit ORDER BY code").map {
            BudgetUnit(code: $0[0], name: $0[1], type: UnitType(rawValue: $0[2]) ?? .administrative)
        }
        b.projects = try Row.fetchAll(db, sql: "SELECT code, unit, name, category FROM project ORDER BY unit, code").map {
            Project(code: $0[0], unit: $0[1], name: $0[2], category: ProjectCategory(rawValue: $0[3]) ?? .none)
        }
        let stored = withItems ? try fetchItems(db, tail: "ORDER BY id") : []
        b.items = stored.map(\.item)
        b.revenue = try Row.fetchAll(db, sql: "SELECT source, code, amount FROM revenue ORDER BY id").map {
            RevenueLine(source: Source(rawValue: $0[0]) ?? .governmentFund, code: $0[1], amount: Money(fen: $0[2]))
        }
        b.parameters = try readParameters(db)
        b.standards = try readStandards(db)
        b.staff = try readStaff(db).map(\.row)
        if withItems { try checkLimits(b) }
        return (b, stored)
    }

    /// A workspace written before the limits existed (or changed by hand) may hold lines past them:
    /// every sum over it could then overflow, so it is refused with what to do, never summed.
    static func checkLimits(_ b: Budget) throws {
        guard b.items.contains(where: { $0.amount.fen < 0 || $0.amount > BudgetLimits.lineAmount })
                || b.revenue.contains(where: { $0.amount.fen < 0 || $0.amount > BudgetLimits.lineAmount })
                || BudgetLimits.total(b.items.lazy.map(\.amount)) == nil
                || BudgetLimits.total(b.revenue.lazy.map(\.amount)) == nil else { return }
        let p = Problem(rule: .budgetTotal, location: Location(),
                        message: "工作区中的金额超过上限（一条最多 \(BudgetLimits.text(BudgetLimits.lineAmount))，合计最多 \(BudgetLimits.text(BudgetLimits.budgetTotal))），可能由旧版程序写入：请用 budget item set 或 budget item rm 改正过大的明细后再打开")
        throw WorkspaceError.invalid(ProblemsError([p]))
    }

    static func readCodes(_ db: Database) throws -> CodeBook {
        var book = CodeBook()
        let rows = try Row.fetchCursor(db, sql: "SELECT code_set, code, name, origin FROM code")
        while let r = try rows.next() {
            guard let set = CodeSet(rawValue: r[0]) else { continue }
            book.define(set, code: r[1], name: r[2], origin: CodeOrigin(rawValue: r[3]) ?? .defaults)
        }
        let maps = try Row.fetchCursor(db, sql: "SELECT economic, government_admin, government_institution, origin FROM economic_map")
        while let r = try maps.next() {
            book.map(economic: r[0], to: EconomicMapping(administrative: r[1], institution: r[2]),
                     origin: CodeOrigin(rawValue: r[3]) ?? .defaults)
        }
        return book
    }

    /// Items of `SELECT … FROM item <tail>`.
    static func fetchItems(_ db: Database, tail: String, arguments: StatementArguments = []) throws -> [StoredItem] {
        try ItemReader.fetch(db, tail: tail, arguments: arguments)
    }

    /// Line items matching a filter, in id order.
    public func items(_ filter: ItemFilter = ItemFilter()) throws -> [StoredItem] {
        var clauses: [String] = []
        var args: [any DatabaseValueConvertible] = []
        if let u = filter.unit { clauses.append("unit = ?"); args.append(u) }
        if let f = filter.functionPrefix { clauses.append("function LIKE ?"); args.append(f + "%") }
        if let e = filter.economicPrefix { clauses.append("economic LIKE ?"); args.append(e + "%") }
        if let s = filter.source { clauses.append("source = ?"); args.append(s.rawValue) }
        if let c = filter.carryover { clauses.append("carryover = ?"); args.append(c.rawValue) }
        if let k = filter.kind { clauses.append("kind = ?"); args.append(k.rawValue) }
        if let p = filter.project { clauses.append("project = ?"); args.append(p) }
        let whereSQL = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        let limitSQL = filter.limit.map { " LIMIT \($0)" } ?? ""
        return try dbWriter.read { db in
            try Workspace.fetchItems(db, tail: "\(whereSQL) ORDER BY id\(limitSQL)",
                                     arguments: StatementArguments(args))
        }
    }

    public func item(_ id: Int64) throws -> StoredItem? {
        try dbWriter.read { db in try Workspace.fetchItems(db, tail: "WHERE id = ?", arguments: [id]).first }
    }

    /// The change log of one line, oldest first.
    public func history(of id: Int64) throws -> [ItemChange] {
        try dbWriter.read { db in
            try Row.fetchAll(db, sql: "SELECT item_id, at, author, action, before, after FROM change_log WHERE item_id = ? ORDER BY id",
                             arguments: [id]).map { r in
                ItemChange(itemID: r[0], at: r[1], author: r[2], action: r[3],
                           before: (r[4] as String?).flatMap(ChangeJSON.decode), after: (r[5] as String?).flatMap(ChangeJSON.decode))
            }
        }
    }

    /// The id of the newest change-log entry: a cheap "has anything changed" probe for live views.
    public func lastChangeID() throws -> Int64 {
        try dbWriter.read { db in try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM change_log") ?? 0 }
    }

    /// The workspace's change counters, read together: what a running server compares to learn
    /// whether another process wrote the file.
    public func revision() throws -> WorkspaceRevision {
        try dbWriter.read { db in
            let r = try Row.fetchOne(db, sql: "SELECT (SELECT coalesce(max(id), 0) FROM change_log), (SELECT context FROM revision)")
            return WorkspaceRevision(lines: r?[0] ?? 0, context: r?[1] ?? 0)
        }
    }

    /// Changes after a change-log id, oldest first, with the current state of each line touched.
    public func changes(since id: Int64) throws -> (last: Int64, items: [StoredItem], removed: [Int64]) {
        try dbWriter.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, item_id FROM change_log WHERE id > ? ORDER BY id", arguments: [id])
            let last: Int64 = rows.last?[0] ?? id
            let touched = Array(Set(rows.map { $0[1] as Int64 })).sorted()
            var items: [StoredItem] = []
            var removed: [Int64] = []
            for t in touched {
                if let s = try Workspace.fetchItems(db, tail: "WHERE id = ?", arguments: [t]).first {
                    items.append(s)
                } else { removed.append(t) }
            }
            return (last, items, removed)
        }
    }
}

/// Filters for `budget items` and the server's item list.
public struct ItemFilter: Sendable {
    public var unit: String?
    public var functionPrefix: String?
    public var economicPrefix: String?
    public var source: Source?
    public var carryover: Carryover?
    public var kind: ExpenditureKind?
    public var project: String?
    public var limit: Int?
    public init(unit: String? = nil, functionPrefix: String? = nil, economicPrefix: String? = nil, source: Source? = nil,
                carryover: Carryover? = nil, kind: ExpenditureKind? = nil, project: String? = nil, limit: Int? = nil) {
        self.unit = unit; self.functionPrefix = functionPrefix; self.economicPrefix = economicPrefix; self.source = source
        self.carryover = carryover; self.kind = kind; self.project = project; self.limit = limit
    }
}

/// How far a workspace has been written. `lines` is the newest change-log id (every line write is
/// logged); `context` counts writes to units, projects, codes, the economic map, revenue and meta
/// (bumped by triggers of the v2-revision migration, so by every process and code path).
public struct WorkspaceRevision: Hashable, Sendable {
    public var lines: Int64
    public var context: Int64
    public init(lines: Int64, context: Int64) { self.lines = lines; self.context = context }
}
