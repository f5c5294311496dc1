import BudgetCore
import Foundation
import GRDB

/// What a change to the bases did to the amounts: every line whose stored amount moved with it,
/// old → new, in the order they were recomputed (a line after everything it reads).
public struct BasisOutcome: Sendable, Hashable {
    public var moved: [AmountChange] = []
    public init(moved: [AmountChange] = []) { self.moved = moved }
}

/// The bases of calculation in the workspace (docs/basis.md): parameters, standards, the roster,
/// and the lines computed from them. Every edit is one transaction: the engine is built over the
/// stored state, the edit is applied to it (refused, nothing written, when it would make a cycle
/// or leave any line with a problem), then the edited rows, the moved amounts and the change log
/// are written together. The stored amount of a basis line is always the computed one.
extension Workspace {
    // MARK: Reading

    /// 参数, by (unit, name).
    public func parameters() throws -> [Parameter] { try dbWriter.read { db in try Workspace.readParameters(db) } }
    /// 标准, by name.
    public func standards() throws -> [Standard] { try dbWriter.read { db in try Workspace.readStandards(db) } }
    /// 人员信息 with their ids, in id order; only `unit`'s rows when given.
    public func staff(unit: String? = nil) throws -> [(id: Int64, row: StaffRow)] {
        try dbWriter.read { db in try Workspace.readStaff(db).filter { unit == nil || $0.row.unit == unit } }
    }

    /// How line `id`'s amount comes out of its basis; nil when it has none. Throws when the line is unknown.
    public func explain(_ id: Int64) throws -> BasisExplanation? {
        try dbWriter.read { db in
            guard let item = try Workspace.fetchItems(db, tail: "WHERE id = ?", arguments: [id]).first else {
                throw WorkspaceError.itemNotFound(id)
            }
            guard item.item.basis != nil else { return nil }
            return try Workspace.engine(db).explain(id)
        }
    }

    /// The log of parameter, standard and roster changes, oldest first.
    public func basisHistory() throws -> [BasisChange] {
        try dbWriter.read { db in
            try Row.fetchAll(db, sql: "SELECT at, author, target, action, key, before, after FROM basis_log ORDER BY id").map {
                BasisChange(at: $0[0], author: $0[1], target: $0[2], action: $0[3], key: $0[4], before: $0[5], after: $0[6])
            }
        }
    }

    static func readParameters(_ db: Database) throws -> [Parameter] {
        try Row.fetchAll(db, sql: "SELECT unit, name, value, memo FROM parameter ORDER BY unit, name").map {
            Parameter(unit: $0[0], name: $0[1], value: try storedNumber($0[2]), memo: $0[3])
        }
    }

    static func readStandards(_ db: Database) throws -> [Standard] {
        try Row.fetchAll(db, sql: "SELECT name, value, memo FROM standard ORDER BY name").map {
            Standard(name: $0[0], value: try storedNumber($0[1]), memo: $0[2])
        }
    }

    static func readStaff(_ db: Database) throws -> [(id: Int64, row: StaffRow)] {
        var amounts: [Int64: [String: Money]] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT staff, field, amount FROM staff_amount") {
            amounts[r[0], default: [:]][r[1]] = Money(fen: r[2])
        }
        return try Row.fetchAll(db, sql: "SELECT id, unit, name, category, count FROM staff ORDER BY id").map {
            let id: Int64 = $0[0]
            return (id, StaffRow(unit: $0[1], name: $0[2], category: $0[3], count: $0[4], amounts: amounts[id] ?? [:]))
        }
    }

    /// A value as stored (the text `BasisNumber` wrote); a value that does not read back is an error, never a guess.
    static func storedNumber(_ text: String) throws -> BasisNumber {
        do { return try BasisNumber.parse(text) } catch {
            throw WorkspaceError.database("工作区中的数值 `\(text)` 无法读取")
        }
    }

    // MARK: The engine

    /// Whether any stored line has a basis (an index answers it).
    static func hasBasisLines(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM item WHERE basis IS NOT NULL)") ?? false
    }

    /// The engine over the stored state. Without any basis line the lines are left out: nothing
    /// reads them, and a parameter or roster edit of a 10^6-line workspace need not read them all.
    static func engine(_ db: Database, lines: Bool? = nil) throws -> BasisEngine {
        let codes = try readCodes(db)
        let withLines = try lines ?? hasBasisLines(db)
        let stored = withLines ? try fetchItems(db, tail: "ORDER BY id") : []
        let staff = try readStaff(db)
        let parameters = try readParameters(db), standards = try readStandards(db)
        do {
            return try BasisEngine(items: stored.map(\.item), ids: stored.map(\.id), parameters: parameters,
                                   standards: standards, staff: staff.map(\.row), staffIDs: staff.map(\.id),
                                   codes: codes)
        } catch {
            throw WorkspaceError.invalid(error)
        }
    }

    /// Applies edits to the engine, all or nothing; the engine's problems become the refusal.
    static func apply(_ edits: [BasisEdit], to engine: inout BasisEngine) throws -> [BasisUpdate] {
        do { return try engine.apply(edits) } catch { throw WorkspaceError.invalid(error) }
    }

    /// Every line that moved in `updates`, once, with its first old and last new amount, leaving
    /// out `except` (the lines the caller writes itself) and lines that came back to where they were.
    static func moved(_ updates: [BasisUpdate], except: Set<Int64> = []) -> [AmountChange] {
        var order: [Int64] = []
        var change: [Int64: AmountChange] = [:]
        for u in updates {
            for c in u.moved where !except.contains(c.id) {
                if let first = change[c.id] { change[c.id] = AmountChange(id: c.id, old: first.old, new: c.new) } else {
                    change[c.id] = c
                    order.append(c.id)
                }
            }
        }
        return order.compactMap { change[$0] }.filter { $0.old != $0.new }
    }

    /// Writes the moved amounts of lines nobody edited, each a logged `set` with a new version.
    static func writeMoved(_ moved: [AmountChange], log: ChangeLogWriter, _ db: Database) throws -> [StoredItem] {
        guard !moved.isEmpty else { return [] }
        let update = try db.cachedStatement(sql: "UPDATE item SET amount = ?, version = version + 1 WHERE id = ?")
        var out: [StoredItem] = []
        var delta = try rollupDelta(db) // the kept subtotals move with the amounts
        for c in moved {
            guard let before = try fetchItems(db, tail: "WHERE id = ?", arguments: [c.id]).first else { continue }
            var after = before
            after.item.amount = c.new
            delta.add(before.item, sign: -1); delta.add(after.item, sign: 1)
            after.version += 1
            var limit = ProblemCollector()
            LineValueRules.check(c.new, at: Location(column: "amount", item: c.id), into: &limit)
            do { try limit.throwIfErrors() } catch { throw WorkspaceError.invalid(error) }
            try update.execute(arguments: [c.new.fen, c.id])
            try log.log(id: c.id, action: "set", before: before.item, after: after.item)
            out.append(after)
        }
        try keep(delta, db)
        return out
    }

    /// Refuses a change that brought the lines' total from `before` past the budget's limit (a
    /// lower total is always allowed).
    static func checkTotalAfter(_ db: Database, before: Int64) throws {
        let after = try itemTotal(db)
        if after > before { try checkTotal(after <= BudgetLimits.budgetTotal.fen ? Money(fen: after) : nil) }
    }

    /// One edit of what bases read, in one transaction: the engine is built, the edit applied, then
    /// `write` changes the table, and the moved lines are written and logged.
    func basisStep(author: String, _ edits: (Database, BasisEngine) throws -> [BasisEdit],
                   write: (Database, BasisLogWriter) throws -> Void) throws -> BasisOutcome {
        try self.write { db in
            let total = try Workspace.itemTotal(db)
            var engine = try Workspace.engine(db)
            let updates = try Workspace.apply(try edits(db, engine), to: &engine)
            let at = Workspace.now()
            try write(db, BasisLogWriter(db: db, author: author, at: at))
            let moved = Workspace.moved(updates)
            _ = try Workspace.writeMoved(moved, log: try ChangeLogWriter(db, author: author, at: at), db)
            try Workspace.checkTotalAfter(db, before: total)
            return BasisOutcome(moved: moved)
        }
    }

    // MARK: Parameters and standards

    /// Adds or changes a parameter of a unit; the lines that read it are recomputed.
    @discardableResult
    public func setParameter(_ p: Parameter, author: String) throws -> BasisOutcome {
        try basisStep(author: author, { db, _ in
            try Workspace.checkUnit(p.unit, db)
            try Workspace.checkName(p.name, what: "参数名称")
            return [.setParameter(p)]
        }, write: { db, log in
            let old = try Workspace.readParameters(db).first { $0.unit == p.unit && $0.name == p.name }
            try db.execute(sql: "INSERT OR REPLACE INTO parameter(unit, name, value, memo) VALUES (?, ?, ?, ?)",
                           arguments: [p.unit, p.name, p.value.text, p.memo])
            try log.log("parameter", old == nil ? "add" : "set", key: "\(p.unit)/\(p.name)",
                        before: old.map(BasisJSON.parameter), after: BasisJSON.parameter(p))
        })
    }

    /// Removes a parameter; refused while a line reads it (the problem names the lines).
    @discardableResult
    public func removeParameter(unit: String, name: String, author: String) throws -> BasisOutcome {
        try basisStep(author: author, { db, engine in
            guard try Workspace.readParameters(db).contains(where: { $0.unit == unit && $0.name == name }) else {
                throw WorkspaceError.invalid(ProblemsError([Problem(rule: .basisUnknownName, location: Location(column: "name"), value: name,
                                                                    message: "单位 `\(unit)` 没有参数 `\(name)`")]))
            }
            // Without a standard of the name to fall back on, every line that reads it would break.
            if try !Workspace.readStandards(db).contains(where: { $0.name == name }) {
                try Workspace.refuseIfUsed(engine.linesUsing(parameter: name, unit: unit), what: "单位 `\(unit)` 的参数「\(name)」", name: name)
            }
            return [.removeParameter(unit: unit, name: name)]
        }, write: { db, log in
            let old = try Workspace.readParameters(db).first { $0.unit == unit && $0.name == name }
            try db.execute(sql: "DELETE FROM parameter WHERE unit = ? AND name = ?", arguments: [unit, name])
            try log.log("parameter", "rm", key: "\(unit)/\(name)", before: old.map(BasisJSON.parameter), after: nil)
        })
    }

    /// Adds or changes a standard; the lines that read it are recomputed.
    @discardableResult
    public func setStandard(_ s: Standard, author: String) throws -> BasisOutcome {
        try basisStep(author: author, { _, _ in
            try Workspace.checkName(s.name, what: "标准名称")
            return [.setStandard(s)]
        }, write: { db, log in
            let old = try Workspace.readStandards(db).first { $0.name == s.name }
            try db.execute(sql: "INSERT OR REPLACE INTO standard(name, value, memo) VALUES (?, ?, ?)",
                           arguments: [s.name, s.value.text, s.memo])
            try log.log("standard", old == nil ? "add" : "set", key: s.name, before: old.map(BasisJSON.standard), after: BasisJSON.standard(s))
        })
    }

    /// Removes a standard; refused while a line reads it.
    @discardableResult
    public func removeStandard(name: String, author: String) throws -> BasisOutcome {
        try basisStep(author: author, { db, engine in
            guard try Workspace.readStandards(db).contains(where: { $0.name == name }) else {
                throw WorkspaceError.invalid(ProblemsError([Problem(rule: .basisUnknownName, location: Location(column: "name"), value: name,
                                                                    message: "没有标准 `\(name)`")]))
            }
            // A line of a unit with its own parameter of the name reads that, and does not break.
            var users = engine.linesUsing(standard: name)
            let overriding = Set(try Workspace.readParameters(db).filter { $0.name == name }.map(\.unit))
            if !overriding.isEmpty, !users.isEmpty {
                let units = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, unit FROM item WHERE basis IS NOT NULL").map {
                    ($0[0] as Int64, $0[1] as String)
                })
                users = users.filter { units[$0].map { !overriding.contains($0) } ?? true }
            }
            try Workspace.refuseIfUsed(users, what: "标准「\(name)」", name: name)
            return [.removeStandard(name: name)]
        }, write: { db, log in
            let old = try Workspace.readStandards(db).first { $0.name == name }
            try db.execute(sql: "DELETE FROM standard WHERE name = ?", arguments: [name])
            try log.log("standard", "rm", key: name, before: old.map(BasisJSON.standard), after: nil)
        })
    }

    // MARK: The roster

    /// Adds roster rows in one transaction; with `replace`, the rows of the units these rows name
    /// are replaced (other units' rows are kept). Refused as a whole when a line would break (a
    /// removed category that a line still reads) — one batch, all or nothing.
    @discardableResult
    public func importStaff(_ rows: [StaffRow], replace: Bool, author: String) throws -> BasisOutcome {
        var units: Set<String> = []
        return try basisStep(author: author, { db, _ in
            units = Set(rows.map(\.unit))
            for u in units.sorted() { try Workspace.checkUnit(u, db) }
            // The new rows first: the engine keeps every line valid after each edit of a batch, and
            // a field or category the new rows still have must not vanish in between.
            var edits: [BasisEdit] = []
            var next = try Workspace.nextStaffID(db)
            for r in rows { edits.append(.setStaffRow(id: next, r)); next += 1 }
            if replace {
                for (id, row) in try Workspace.readStaff(db) where units.contains(row.unit) { edits.append(.removeStaffRow(id: id)) }
            }
            return edits
        }, write: { db, log in
            if replace {
                for (id, row) in try Workspace.readStaff(db) where units.contains(row.unit) {
                    try db.execute(sql: "DELETE FROM staff WHERE id = ?", arguments: [id])
                    try log.log("staff", "rm", key: String(id), before: BasisJSON.staff(row), after: nil)
                }
            }
            var next = try Workspace.nextStaffID(db)
            for r in rows {
                try Workspace.insertStaff(r, id: next, db)
                try log.log("staff", "add", key: String(next), before: nil, after: BasisJSON.staff(r))
                next += 1
            }
        })
    }

    /// Changes one roster row (its count or an amount, say).
    @discardableResult
    public func setStaffRow(_ id: Int64, to row: StaffRow, author: String) throws -> BasisOutcome {
        try basisStep(author: author, { db, _ in
            guard try Workspace.readStaff(db).contains(where: { $0.id == id }) else { throw Workspace.noStaffRow(id) }
            try Workspace.checkUnit(row.unit, db)
            return [.setStaffRow(id: id, row)]
        }, write: { db, log in
            let old = try Workspace.readStaff(db).first { $0.id == id }?.row
            try db.execute(sql: "DELETE FROM staff WHERE id = ?", arguments: [id])
            try Workspace.insertStaff(row, id: id, db)
            try log.log("staff", "set", key: String(id), before: old.map(BasisJSON.staff), after: BasisJSON.staff(row))
        })
    }

    /// Removes one roster row; refused when a line would break.
    @discardableResult
    public func removeStaffRow(_ id: Int64, author: String) throws -> BasisOutcome {
        try basisStep(author: author, { db, _ in
            guard try Workspace.readStaff(db).contains(where: { $0.id == id }) else { throw Workspace.noStaffRow(id) }
            return [.removeStaffRow(id: id)]
        }, write: { db, log in
            let old = try Workspace.readStaff(db).first { $0.id == id }?.row
            try db.execute(sql: "DELETE FROM staff WHERE id = ?", arguments: [id])
            try log.log("staff", "rm", key: String(id), before: old.map(BasisJSON.staff), after: nil)
        })
    }

    /// Refuses the removal of a parameter or standard that lines still read, naming the first few
    /// lines and how many there are (`标准「公用经费定额」仍被明细 #12、#40 使用，不能删除`), rather than
    /// one "unknown name" problem a line.
    static func refuseIfUsed(_ lines: [Int64], what: String, name: String) throws {
        guard !lines.isEmpty else { return }
        let shown = 5
        let ids = lines.prefix(shown).map { "#\($0)" }.joined(separator: "、")
        let used = lines.count > shown ? " 等 \(lines.count) 条使用" : " 使用"
        throw WorkspaceError.invalid(ProblemsError([Problem(
            rule: .basisInUse, location: Location(), value: name,
            message: "\(what)仍被明细 \(ids)\(used)，不能删除（请先修改这些明细的测算依据）")]))
    }

    static func noStaffRow(_ id: Int64) -> WorkspaceError {
        .invalid(ProblemsError([Problem(rule: .basisDuplicateStaffRow, location: Location(), value: String(id), message: "人员信息第 \(id) 行不存在")]))
    }

    static func nextStaffID(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) + 1 FROM staff") ?? 1
    }

    static func insertStaff(_ r: StaffRow, id: Int64, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO staff(id, unit, name, category, count) VALUES (?, ?, ?, ?, ?)",
                       arguments: [id, r.unit, r.name, r.category, r.count])
        let stmt = try db.cachedStatement(sql: "INSERT INTO staff_amount(staff, field, amount) VALUES (?, ?, ?)")
        for (field, amount) in r.amounts.sorted(by: { $0.key < $1.key }) { try stmt.execute(arguments: [id, field, amount.fen]) }
    }

    static func checkUnit(_ unit: String, _ db: Database) throws {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM unit WHERE code = ?)", arguments: [unit]) ?? false else {
            throw WorkspaceError.invalid(ProblemsError([Problem(rule: .unknownUnit, location: Location(column: "unit"), value: unit,
                                                                message: "单位 `\(unit)` 不存在")]))
        }
    }

    static func checkName(_ name: String, what: String) throws {
        if let why = BasisName.problem(name) {
            throw WorkspaceError.invalid(ProblemsError([Problem(rule: .basisBadName, location: Location(column: "name"), value: name,
                                                                message: "\(what)：\(why)")]))
        }
    }

    /// Makes the stored parameters, standards and roster what `tables` says (an import's sheets, in
    /// the import's transaction), logging each row that changes in basis_log. The caller evaluates
    /// the lines afterwards. Roster rows held exactly as before keep their ids; a row replaced by
    /// one of the same (unit, category, name), when only one of each is left, is a `set`.
    static func writeBasisTables(_ tables: BasisTables, author: String, _ db: Database) throws {
        guard !tables.isEmpty else { return }
        let log = BasisLogWriter(db: db, author: author, at: Workspace.now())
        if let wanted = tables.parameters {
            let old = try readParameters(db)
            let given = Dictionary(wanted.map { ([$0.unit, $0.name], $0) }, uniquingKeysWith: { _, b in b })
            for p in old where given[[p.unit, p.name]] == nil {
                try db.execute(sql: "DELETE FROM parameter WHERE unit = ? AND name = ?", arguments: [p.unit, p.name])
                try log.log("parameter", "rm", key: "\(p.unit)/\(p.name)", before: BasisJSON.parameter(p), after: nil)
            }
            let stored = Dictionary(old.map { ([$0.unit, $0.name], $0) }, uniquingKeysWith: { a, _ in a })
            for p in wanted.sorted(by: { ($0.unit, $0.name) < ($1.unit, $1.name) }) where stored[[p.unit, p.name]] != p {
                try checkName(p.name, what: "参数名称")
                let before = stored[[p.unit, p.name]]
                try db.execute(sql: "INSERT OR REPLACE INTO parameter(unit, name, value, memo) VALUES (?, ?, ?, ?)",
                               arguments: [p.unit, p.name, p.value.text, p.memo])
                try log.log("parameter", before == nil ? "add" : "set", key: "\(p.unit)/\(p.name)",
                            before: before.map(BasisJSON.parameter), after: BasisJSON.parameter(p))
            }
        }
        if let wanted = tables.standards {
            let old = try readStandards(db)
            let given = Dictionary(wanted.map { ($0.name, $0) }, uniquingKeysWith: { _, b in b })
            for s in old where given[s.name] == nil {
                try db.execute(sql: "DELETE FROM standard WHERE name = ?", arguments: [s.name])
                try log.log("standard", "rm", key: s.name, before: BasisJSON.standard(s), after: nil)
            }
            let stored = Dictionary(old.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            for s in wanted.sorted(by: { $0.name < $1.name }) where stored[s.name] != s {
                try checkName(s.name, what: "标准名称")
                let before = stored[s.name]
                try db.execute(sql: "INSERT OR REPLACE INTO standard(name, value, memo) VALUES (?, ?, ?)",
                               arguments: [s.name, s.value.text, s.memo])
                try log.log("standard", before == nil ? "add" : "set", key: s.name, before: before.map(BasisJSON.standard),
                            after: BasisJSON.standard(s))
            }
        }
        if let wanted = tables.staff {
            // Pair the wanted rows with stored ones: identical rows first, then one-to-one by key
            // (hashed, so a large roster pairs in linear time).
            let stored = try readStaff(db)
            var byRow: [StaffRow: [Int]] = [:]
            for (k, s) in stored.enumerated().reversed() { byRow[s.row, default: []].append(k) }
            var storedPaired = [Bool](repeating: false, count: stored.count)
            var kept: [Int64?] = Array(repeating: nil, count: wanted.count)
            for (i, r) in wanted.enumerated() {
                if let k = byRow[r]?.popLast() { kept[i] = stored[k].id; storedPaired[k] = true }
            }
            func key(_ r: StaffRow) -> [String] { [r.unit, r.category, r.name] }
            var storedByKey: [[String]: [Int]] = [:], wantedByKey: [[String]: [Int]] = [:]
            for k in stored.indices where !storedPaired[k] { storedByKey[key(stored[k].row), default: []].append(k) }
            for i in wanted.indices where kept[i] == nil { wantedByKey[key(wanted[i]), default: []].append(i) }
            var set: [(id: Int64, before: StaffRow, after: StaffRow)] = []
            for i in wanted.indices where kept[i] == nil {
                guard let mine = storedByKey[key(wanted[i])], mine.count == 1, wantedByKey[key(wanted[i])]?.count == 1 else { continue }
                kept[i] = stored[mine[0]].id
                storedPaired[mine[0]] = true
                set.append((stored[mine[0]].id, stored[mine[0]].row, wanted[i]))
            }
            let unpaired = stored.indices.filter { !storedPaired[$0] }.map { stored[$0] }
            for old in unpaired {
                try db.execute(sql: "DELETE FROM staff WHERE id = ?", arguments: [old.id])
                try log.log("staff", "rm", key: String(old.id), before: BasisJSON.staff(old.row), after: nil)
            }
            for c in set {
                try db.execute(sql: "DELETE FROM staff WHERE id = ?", arguments: [c.id])
                try insertStaff(c.after, id: c.id, db)
                try log.log("staff", "set", key: String(c.id), before: BasisJSON.staff(c.before), after: BasisJSON.staff(c.after))
            }
            var next = try nextStaffID(db)
            for (i, r) in wanted.enumerated() where kept[i] == nil {
                try checkUnit(r.unit, db)
                try insertStaff(r, id: next, db)
                try log.log("staff", "add", key: String(next), before: nil, after: BasisJSON.staff(r))
                next += 1
            }
        }
    }

    /// Inserts what a budget's bases read (a new workspace).
    static func insertBasis(_ budget: Budget, _ db: Database) throws {
        for p in budget.parameters {
            try db.execute(sql: "INSERT INTO parameter(unit, name, value, memo) VALUES (?, ?, ?, ?)", arguments: [p.unit, p.name, p.value.text, p.memo])
        }
        for s in budget.standards {
            try db.execute(sql: "INSERT INTO standard(name, value, memo) VALUES (?, ?, ?)", arguments: [s.name, s.value.text, s.memo])
        }
        for (k, r) in budget.staff.enumerated() { try insertStaff(r, id: Int64(k + 1), db) }
    }
}

/// A logged change of a parameter, a standard or a roster row (JSON before and after).
public struct BasisChange: Sendable, Hashable {
    public var at: String
    public var author: String
    /// `parameter`, `standard` or `staff`.
    public var target: String
    public var action: String
    /// `unit/name`, the name, or the roster row's id.
    public var key: String
    public var before: String?
    public var after: String?
}

/// Appends rows to basis_log, all with the transaction's time.
struct BasisLogWriter {
    let db: Database
    let author: String
    let at: String

    func log(_ target: String, _ action: String, key: String, before: String?, after: String?) throws {
        try db.execute(sql: "INSERT INTO basis_log(at, author, target, action, key, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       arguments: [at, author, target, action, key, before, after])
    }
}

/// Parameters, standards and roster rows as JSON a person can read (sorted keys).
enum BasisJSON {
    static func object(_ pairs: [(String, String)]) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (k, (key, value)) in pairs.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: value.utf8)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    static func text(_ s: String) -> String { JSONText.string(s) }

    static func parameter(_ p: Parameter) -> String {
        object([("memo", text(p.memo)), ("name", text(p.name)), ("unit", text(p.unit)), ("value", text(p.value.text))])
    }

    static func standard(_ s: Standard) -> String {
        object([("memo", text(s.memo)), ("name", text(s.name)), ("value", text(s.value.text))])
    }

    static func staff(_ r: StaffRow) -> String {
        let amounts = object(r.amounts.sorted { $0.key < $1.key }.map { ($0.key, String($0.value.fen)) })
        return object([("amounts", amounts), ("category", text(r.category)), ("count", String(r.count)), ("name", text(r.name)),
                       ("unit", text(r.unit))])
    }
}
