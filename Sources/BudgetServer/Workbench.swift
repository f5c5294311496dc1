import BudgetCore
import BudgetStore
import Foundation

/// The server's live copy of one workspace: the stored line items and the roll-up over them (the
/// incremental engine), kept in step with the SQLite file, and the user model (`UserModel`) that
/// turns what the page asks for into steps that can be undone.
///
/// Every edit is written to the workspace first, in one transaction (the durable record, with a
/// version per line and the change log); only then is the roll-up updated, touching just the nodes
/// the line belongs to. Changes made by other processes on the same file are picked up from the
/// workspace's revision (`refresh`): lines through the change log, units, projects, codes and
/// revenue through the context counter. The actor serialises edits, so requests cannot interleave.
public actor Workbench {
    public let workspace: Workspace
    /// Department, year, units, projects, codes and revenue; `items` is left empty (the lines live in `stored`).
    private(set) var context: Budget
    let prior: Budget?
    let priorRollup: Rollup?
    private(set) var rollup: Rollup
    private(set) var stored: [Int64: StoredItem] = [:]
    /// Line ids in ascending order (the grid's order).
    private var order: [Int64] = []
    /// How far the file had been written when `stored`, `rollup` and `context` were brought up to date.
    private(set) var revision: WorkspaceRevision
    /// The data rules a line is checked against before it is written (the store checks again).
    private(set) var validator: LineItemValidator
    /// Bumped on every change; invalidates `filterCache`.
    private var generation = 0
    private var filterCache: (key: String, generation: Int, ids: [Int64], sum: Int64)?
    /// Undo and redo steps of each browser tab.
    var userModel = UserModel()
    /// More logged changes than this since the last look: the lines are read again in one pass.
    static let replayLimit: Int64 = 20_000

    /// The newest change-log id applied.
    var lastChange: Int64 { revision.lines }

    /// Loads the workspace (and the prior year's workspace for the 上年数 columns).
    public init(workspace: Workspace, prior: Workspace? = nil) throws {
        self.workspace = workspace
        let state = try Self.load(workspace)
        context = state.context
        validator = state.validator
        rollup = state.rollup
        stored = state.stored
        order = state.order
        revision = state.revision
        if let prior {
            // The prior year only answers figures (上年数, the narrative, rules against it): its
            // kept subtotals, without reading its lines.
            let (p, r) = try prior.budgetWithKeptRollup()
            self.prior = p
            priorRollup = r
        } else {
            self.prior = nil
            priorRollup = nil
        }
    }

    private struct State {
        var context: Budget, validator: LineItemValidator, rollup: Rollup
        var stored: [Int64: StoredItem], order: [Int64], revision: WorkspaceRevision
    }

    /// Everything read from the file. The revision is read first: a write that lands while the
    /// lines are read is seen again by the next `refresh`, never missed. The roll-up is the
    /// workspace's kept subtotals (read in the same transaction as the lines, O(nodes)) in the
    /// engine's line-free mode: an edit moves it by the old line out and the new line in, and
    /// the old line is in `stored`. The lines are read for the grid.
    private static func load(_ workspace: Workspace) throws -> State {
        let revision = try workspace.revision()
        let (budget, items, kept) = try workspace.budgetWithItemsAndKeptRollup()
        var ctx = budget
        ctx.items = []
        var stored: [Int64: StoredItem] = [:]
        stored.reserveCapacity(items.count)
        var order: [Int64] = []
        order.reserveCapacity(items.count)
        for s in items {
            stored[s.id] = s
            order.append(s.id)
        }
        order.sort()
        return State(context: ctx, validator: LineItemValidator(codes: budget.codes, units: budget.units, projects: budget.projects),
                     rollup: kept, stored: stored, order: order, revision: revision)
    }

    // MARK: - Keeping in step with the file

    /// Applies what anyone (another process, or this one) wrote since `revision`; returns the
    /// lines it added or changed. When units, projects, codes or revenue changed (`budget import`
    /// in a terminal), or very many lines did, everything is read again.
    @discardableResult
    func refresh() throws -> [StoredItem] {
        let now = try workspace.revision()
        if now == revision { return [] }
        if now.context != revision.context || now.lines - revision.lines > Self.replayLimit || now.lines < revision.lines {
            let state = try Self.load(workspace)
            context = state.context
            validator = state.validator
            rollup = state.rollup
            stored = state.stored
            order = state.order
            revision = state.revision
            generation += 1
            return Array(stored.values)
        }
        let ch = try workspace.changes(since: revision.lines)
        for s in ch.items { apply(s) }
        for id in ch.removed { drop(id) }
        revision.lines = max(ch.last, revision.lines)
        return ch.items
    }

    /// Takes in a step this server just wrote, without reading it back when nobody else wrote
    /// in between (its change-log ids follow ours directly). Returns the touched lines as they
    /// were before (absent: the line is new).
    @discardableResult
    func absorb(_ step: AppliedStep) throws -> [Int64: StoredItem] {
        var before: [Int64: StoredItem] = [:]
        for id in step.saved.map(\.id) + step.removed.map(\.id) { before[id] = stored[id] }
        guard let log = step.log else { return before }
        if log.lowerBound == revision.lines + 1 {
            for s in step.saved { apply(s) }
            for r in step.removed { drop(r.id) }
            revision.lines = log.upperBound
        } else {
            try refresh()
        }
        return before
    }

    private func apply(_ s: StoredItem) {
        if let old = stored[s.id] { rollup.add(old.item, sign: -1) } else { insertOrdered(s.id) }
        stored[s.id] = s
        rollup.add(s.item, sign: 1)
        generation += 1
    }

    private func drop(_ id: Int64) {
        guard let old = stored.removeValue(forKey: id) else { return }
        rollup.add(old.item, sign: -1)
        let i = lowerBound(id)
        if i < order.count, order[i] == id { order.remove(at: i) }
        generation += 1
    }

    private func insertOrdered(_ id: Int64) {
        if let last = order.last, last < id { order.append(id); return }
        let i = lowerBound(id)
        if i < order.count, order[i] == id { return }
        order.insert(id, at: i)
    }

    private func lowerBound(_ id: Int64) -> Int {
        var lo = 0, hi = order.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if order[mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    // MARK: - Edits (one transaction each, then the incremental roll-up)

    /// Writes one step (all or nothing) and takes it in; also returns the touched lines as they were.
    @discardableResult
    /// `keepingBases`: false for the intentions, which carry each line's basis (`LineDraft`).
    func commit(_ edits: [LineEdit], author: String, locate: (Int, String) -> Location,
                keepingBases: Bool = true) throws -> (step: AppliedStep, before: [Int64: StoredItem]) {
        let step = try workspace.apply(edits, author: author, locate: locate, keepingBases: keepingBases)
        return (step, try absorb(step))
    }

    /// Adds a line; refused (nothing written) when it breaks a data rule.
    func add(_ item: LineItem, author: String) throws -> StoredItem {
        try refresh()
        let step = try commit([.add(item)], author: author, locate: { _, c in Location(column: GridColumns.title(c)) }).step
        guard let s = step.saved.first else { throw WorkspaceError.database("新增的明细没有写入") }
        return s
    }

    /// Adds several lines (a pasted block) in one transaction: all or nothing.
    func addAll(_ items: [LineItem], author: String) throws -> [StoredItem] {
        try refresh()
        return try commit(items.map { .add($0) }, author: author, locate: GridColumns.pastedAt).step.saved
    }

    /// Changes a line; with the version the editor saw, a line changed since is refused (409).
    func set(_ id: Int64, to item: LineItem, expectedVersion: Int64?, author: String) throws -> StoredItem {
        try refresh()
        let step = try commit([.set(id: id, to: item, expectedVersion: expectedVersion)], author: author,
                              locate: { _, c in Location(column: GridColumns.title(c), item: id) }).step
        guard let s = step.saved.first else { throw WorkspaceError.itemNotFound(id) }
        return s
    }

    func remove(_ id: Int64, expectedVersion: Int64?, author: String) throws -> StoredItem {
        try refresh()
        let step = try commit([.remove(id: id, expectedVersion: expectedVersion)], author: author, locate: { _, c in Location(column: c) }).step
        guard let s = step.removed.first else { throw WorkspaceError.itemNotFound(id) }
        return s
    }

    // MARK: - Reads

    func item(_ id: Int64) throws -> StoredItem? {
        try refresh()
        return stored[id]
    }

    /// The ids matching a filter in grid order, and the sum of their amounts (cached per filter).
    private func matching(_ filter: ItemQuery) -> (ids: [Int64], sum: Int64) {
        if let c = filterCache, c.key == filter.cacheKey, c.generation == generation { return (c.ids, c.sum) }
        var ids: [Int64] = []
        var sum: Int64 = 0
        if filter.isEmpty {
            ids = order
            for s in stored.values { sum &+= s.item.amount.fen }
        } else {
            let names = filter.text.map { _ in ItemNames(context) }
            for id in order {
                guard let s = stored[id], filter.matches(s, names: names) else { continue }
                ids.append(id)
                sum &+= s.item.amount.fen
            }
        }
        filterCache = (filter.cacheKey, generation, ids, sum)
        return (ids, sum)
    }

    /// One page of the lines matching a filter, in id order, with the number that match and their sum.
    func items(_ filter: ItemQuery, offset: Int, limit: Int) throws -> (total: Int, sum: Int64, page: [StoredItem]) {
        try refresh()
        let m = matching(filter)
        let start = min(max(0, offset), m.ids.count)
        let end = start + min(max(0, limit), m.ids.count - start)
        return (m.ids.count, m.sum, m.ids[start..<end].compactMap { stored[$0] })
    }

    /// The count and sum of lines `offset ..< offset + limit` of a filter (a selected range of rows).
    func sum(_ filter: ItemQuery, offset: Int, limit: Int) throws -> (count: Int, sum: Int64) {
        try refresh()
        let m = matching(filter)
        let start = min(max(0, offset), m.ids.count)
        let end = start + min(max(0, limit), m.ids.count - start)
        var t: Int64 = 0
        for id in m.ids[start..<end] { t &+= stored[id]?.item.amount.fen ?? 0 }
        return (end - start, t)
    }

    /// Changes since a change-log id a browser last saw; `nil` items means "too many, reload".
    func changes(since id: Int64) throws -> (last: Int64, items: [StoredItem]?, removed: [Int64]) {
        try refresh()
        if id >= lastChange { return (lastChange, [], []) }
        if lastChange - id > 500 { return (lastChange, nil, []) }
        let ch = try workspace.changes(since: id)
        if ch.items.count + ch.removed.count > 500 { return (lastChange, nil, []) }
        return (max(ch.last, lastChange), ch.items, ch.removed)
    }

    func history(_ id: Int64) throws -> [ItemChange] { try workspace.history(of: id) }

    /// The budget as it is now with the stored ids of its lines (same order), the roll-up and the prior year.
    func snapshot() throws -> (budget: Budget, ids: [Int64], rollup: Rollup, prior: Budget?, priorRollup: Rollup?) {
        try refresh()
        var b = context
        var ids: [Int64] = []
        ids.reserveCapacity(order.count)
        b.items.reserveCapacity(order.count)
        for id in order {
            guard let s = stored[id] else { continue }
            ids.append(id)
            b.items.append(s.item)
        }
        return (b, ids, rollup, prior, priorRollup)
    }

    var itemCount: Int { stored.count }

    /// The context as it is now (units, projects and codes another process may have changed).
    func currentContext() throws -> Budget {
        try refresh()
        return context
    }

    /// Runs a read over the current state (tree building) without copying the roll-up twice.
    func withState<T: Sendable>(_ body: @Sendable (Rollup, Budget, Rollup?, Budget?) throws -> T) throws -> T {
        try refresh()
        return try body(rollup, context, priorRollup, prior)
    }

    /// A tree builder over the current state.
    func treeBuilder(_ money: MoneyUnit) -> TreeBuilder {
        TreeBuilder(rollup: rollup, budget: context, prior: priorRollup, priorBudget: prior, money: money)
    }
}

/// Names of codes, units and projects, for the search box.
struct ItemNames {
    let context: Budget
    private let projects: [String: String]
    init(_ context: Budget) {
        self.context = context
        projects = Dictionary(context.projects.map { ("\($0.unit)/\($0.code)", $0.name) }, uniquingKeysWith: { a, _ in a })
    }
    func function(_ c: String) -> String { context.codes.name(.function, c) ?? "" }
    func economic(_ c: String) -> String { context.codes.name(.economic, c) ?? "" }
    func unit(_ c: String) -> String { context.unit(c)?.name ?? "" }
    func project(_ u: String, _ p: String?) -> String { p.flatMap { projects["\(u)/\($0)"] } ?? "" }
}

/// A filter of the line-item grid: what a tree row stands for, plus the grid's own filters.
struct ItemQuery: Sendable {
    var unit: String?
    var functionPrefix: String?
    var economicPrefix: String?
    var project: String?
    var kind: ExpenditureKind?
    var source: Source?
    var carryover: Carryover?
    var ids: Set<Int64>?
    /// A disclosure-table cell (`T3|function:208|total`): the lines it sums.
    var cell: String?
    var cellMatch: (@Sendable (LineItem) -> Bool)?
    /// The search box: every word must appear in a code, a name, the memo or the amount (元).
    var text: String?

    var isEmpty: Bool {
        unit == nil && functionPrefix == nil && economicPrefix == nil && project == nil && kind == nil && source == nil
            && carryover == nil && ids == nil && cell == nil && (text ?? "").isEmpty
    }

    var cacheKey: String {
        "\(unit ?? "")|\(functionPrefix ?? "")|\(economicPrefix ?? "")|\(project ?? "")|\(kind?.rawValue ?? -1)|"
            + "\(source?.rawValue ?? -1)|\(carryover?.rawValue ?? -1)|"
            + "\(ids.map { $0.sorted().map(String.init).joined(separator: ",") } ?? "")|\(cell ?? "")|\(text ?? "")"
    }

    func matches(_ s: StoredItem, names: ItemNames?) -> Bool {
        let i = s.item
        if let u = unit, i.unit != u { return false }
        if let f = functionPrefix, !i.function.hasPrefix(f) { return false }
        if let e = economicPrefix, !i.economic.hasPrefix(e) { return false }
        if let p = project, i.project != p { return false }
        if let k = kind, i.kind != k { return false }
        if let so = source, i.source != so { return false }
        if let c = carryover, i.carryover != c { return false }
        if let ids, !ids.contains(s.id) { return false }
        if let m = cellMatch, !m(i) { return false }
        if let t = text, !t.isEmpty, let n = names {
            let words = t.split(whereSeparator: { $0 == " " || $0 == "\u{3000}" })
            for w in words {
                let hit = i.function.hasPrefix(w) || i.economic.hasPrefix(w) || i.unit.hasPrefix(w) || (i.project ?? "").hasPrefix(w)
                    || i.memo.contains(w) || n.function(i.function).contains(w) || n.economic(i.economic).contains(w)
                    || n.unit(i.unit).contains(w) || n.project(i.unit, i.project).contains(w)
                    || i.source.name.contains(w) || i.kind.name.contains(w) || i.carryover.name == w
                    || i.amount.yuanText.hasPrefix(w) || String(s.id) == w
                if !hit { return false }
            }
        }
        return true
    }
}
