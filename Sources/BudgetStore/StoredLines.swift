import BudgetCore
import Foundation
import GRDB

/// A workspace's lines as the line rules read them (`LineSource`), inside one read transaction:
/// what a rule asks is answered from the kept subtotals where they hold it (the values the lines
/// use, how many lines of a kind carry an economic code), and otherwise by a query that reads only
/// the lines asked for. A clean workspace is validated without reading a line.
///
/// `LineSource` does not throw (the rules run as plain functions); the first database error is
/// kept in `failure` and the reader that made this throws it after the rules ran.
final class StoredLines: LineSource {
    private let db: Database
    private let kept: Rollup
    private let nodes: [RollupNode]
    private(set) var failure: (any Error)?

    init(_ db: Database, kept: Rollup, nodes: [RollupNode]) {
        self.db = db; self.kept = kept; self.nodes = nodes
    }

    func linesToValidate(_ validator: LineItemValidator) -> [NumberedLine] {
        let bad = validator.failing(LineValues(nodes: nodes))
        if bad.isEmpty { return [] }
        // Each list is one JSON argument (json_each), so any number of values is one statement.
        var clauses: [String] = [], args: [any DatabaseValueConvertible] = []
        func list(_ column: String, _ values: some Sequence<String>) {
            let sorted = values.sorted()
            guard !sorted.isEmpty else { return }
            clauses.append("\(column) IN (SELECT value FROM json_each(?))")
            args.append(Self.json(sorted))
        }
        list("unit", bad.units)
        list("function", bad.functions)
        list("economic", bad.economics)
        list("gov_economic", bad.pairs.map(\.government).filter { !$0.isEmpty })
        let unmapped = bad.pairs.filter { $0.government.isEmpty }.map(\.economic).sorted()
        if !unmapped.isEmpty {
            clauses.append("(coalesce(gov_economic, '') = '' AND economic IN (SELECT value FROM json_each(?)))")
            args.append(Self.json(unmapped))
        }
        // Units and project codes hold no control character (TextRule), so U+001F separates them.
        list("unit || char(31) || project", bad.projects.map { $0.unit + "\u{1F}" + $0.code })
        return fetch("WHERE " + clauses.joined(separator: " OR ") + " ORDER BY id", args)
    }

    func lines(_ filter: LineFilter, limit: Int) -> LineSelection {
        // `CHECK (amount >= 0)` on item: no stored line is below zero.
        if filter.negativeAmount { return LineSelection(lines: [], total: 0) }
        let (whereSQL, args) = Self.sql(filter)
        let found = fetch("\(whereSQL) ORDER BY id LIMIT \(max(0, limit))", args)
        if found.count < limit { return LineSelection(lines: found, total: found.count) }
        return LineSelection(lines: found, total: count(filter, whereSQL, args))
    }

    func exists(_ filter: LineFilter) -> Bool {
        if filter.negativeAmount { return false }
        let (whereSQL, args) = Self.sql(filter)
        return attempt { try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM item \(whereSQL))", arguments: StatementArguments(args)) ?? false } ?? false
    }

    /// How many lines match: from the kept slot counts when the filter is only a kind and economic
    /// prefixes (the economic 款 nodes are the lines' own codes), else counted by SQLite.
    private func count(_ filter: LineFilter, _ whereSQL: String, _ args: [any DatabaseValueConvertible]) -> Int {
        if filter.unit == nil, filter.hasBasis == nil {
            let measure = Measure(kinds: filter.kind.map { [$0] })
            var total: Int64 = 0
            var answered = true
            for case .economic(let c) in nodes where c.utf8.count == CodeSet.economic.lineLevel
                && (filter.economicPrefixes.isEmpty || filter.economicPrefixes.contains(where: { c.hasPrefix($0) })) {
                guard let n = kept.lines(.economic(c), measure) else { answered = false; break }
                total &+= n
            }
            if answered { return Int(total) }
        }
        return attempt { try Int.fetchOne(db, sql: "SELECT count(*) FROM item \(whereSQL)", arguments: StatementArguments(args)) ?? 0 } ?? 0
    }

    private func fetch(_ tail: String, _ args: [any DatabaseValueConvertible]) -> [NumberedLine] {
        attempt { try ItemReader.fetch(db, tail: tail, arguments: StatementArguments(args)).map { NumberedLine(id: $0.id, item: $0.item) } } ?? []
    }

    private func attempt<T>(_ body: () throws -> T) -> T? {
        if failure != nil { return nil }
        do { return try body() } catch { failure = error; return nil }
    }

    static func sql(_ f: LineFilter) -> (String, [any DatabaseValueConvertible]) {
        var clauses: [String] = [], args: [any DatabaseValueConvertible] = []
        if let u = f.unit { clauses.append("unit = ?"); args.append(u) }
        if let k = f.kind { clauses.append("kind = ?"); args.append(k.rawValue) }
        if let b = f.hasBasis { clauses.append(b ? "basis IS NOT NULL" : "basis IS NULL") }
        if !f.economicPrefixes.isEmpty {
            clauses.append("(" + f.economicPrefixes.map { _ in "substr(economic, 1, ?) = ?" }.joined(separator: " OR ") + ")")
            for p in f.economicPrefixes { args.append(p.count); args.append(p) }
        }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), args)
    }

    static func json(_ values: [String]) -> String {
        // Strings only: JSONEncoder cannot fail on them.
        String(decoding: (try? JSONEncoder().encode(values)) ?? Data("[]".utf8), as: UTF8.self)
    }
}

/// What a reader of figures gets from one read transaction: the budget without its lines, the
/// kept roll-up, and the lines as the line rules ask for them.
public struct FigureRead {
    public var budget: Budget
    public var rollup: Rollup
    public var lines: any LineSource
}

extension Workspace {
    /// Runs `body` on the budget without its lines, the kept roll-up and the lines as a line source,
    /// all in one read transaction (a writer in another process cannot make it see half a change).
    /// O(nodes) plus what the rules find: export and check of a clean 10^6-line workspace read no line.
    public func readingFigures<T>(_ body: (FigureRead) throws -> T) throws -> T {
        try dbWriter.read { db in
            let b = try Workspace.readBudget(db, withItems: false).budget
            let rollup = try Workspace.keptRollup(db, budget: b)
            // Each kept slot is within the limit (readKept); so must the department be, summed over
            // its slots, as a budget read with its lines is (`checkLimits`). A line past the line
            // limit cannot be written (every write path checks it); `verify` reports one put in by hand.
            if rollup.total(.department) > BudgetLimits.budgetTotal {
                let p = Problem(rule: .budgetTotal, location: Location(),
                                message: BudgetLimits.totalMessage("支出合计", rollup.total(.department)))
                throw WorkspaceError.invalid(ProblemsError([p]))
            }
            let lines = StoredLines(db, kept: rollup, nodes: rollup.knownNodes)
            let result = try body(FigureRead(budget: b, rollup: rollup, lines: lines))
            if let e = lines.failure { throw WorkspaceError.database("读取明细失败：\(e)") }
            return result
        }
    }
}
