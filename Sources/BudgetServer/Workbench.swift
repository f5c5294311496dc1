import BudgetCore
import BudgetStore
import Foundation

/// The server's live copy of one workspace: the stored line items and the roll-up over them (the
/// incremental engine), kept in step with the SQLite file.
///
/// Every edit is written to the workspace first, in one transaction (the durable record, with a
/// version per line and the change log); only then is the roll-up updated, touching just the nodes
/// the line belongs to. Changes made by other processes on the same file are picked up from the
/// change log (`refresh`). The actor serialises edits, so concurrent requests cannot interleave.
public actor Workbench {
    public let workspace: Workspace
    /// Department, year, units, projects and codes; `items` is left empty (the lines live in `stored`).
    let context: Budget
    let prior: Budget?
    let priorRollup: Rollup?
    private(set) var rollup: Rollup
    private var stored: [Int64: StoredItem] = [:]
    /// Line ids in ascending order (the grid's order).
    private var order: [Int64] = []
    /// The newest change-log id applied to `stored` and `rollup`.
    private(set) var lastChange: Int64
    /// The data rules a pasted block is checked against before the batch insert.
    private let validator: LineItemValidator
    /// Bumped on every change; invalidates `filterCache`.
    private var generation = 0
    private var filterCache: (key: String, generation: Int, ids: [Int64])?

    /// Loads the workspace (and the prior year's workspace for the 上年数 columns).
    public init(workspace: Workspace, prior: Workspace? = nil) throws {
        self.workspace = workspace
        let last = try workspace.lastChangeID()
        let (budget, items) = try workspace.budgetWithItems()
        var ctx = budget
        ctx.items = []
        context = ctx
        validator = LineItemValidator(codes: budget.codes, units: budget.units, projects: budget.projects)
        var r = Rollup(codes: budget.codes, units: budget.units)
        r.reserve(items.count)
        stored.reserveCapacity(items.count)
        order.reserveCapacity(items.count)
        for s in items {
            r.insert(s.item, id: s.id)
            stored[s.id] = s
            order.append(s.id)
        }
        order.sort()
        rollup = r
        lastChange = last
        if let prior {
            let p = try prior.budget()
            self.prior = p
            priorRollup = Rollup(budget: p)
        } else {
            self.prior = nil
            priorRollup = nil
        }
    }

    // MARK: - Keeping in step with the file

    /// Applies every change another process (or this one) logged since `lastChange`; returns the
    /// lines it added or changed. An edit of this server is applied here too, once: the write
    /// goes to the workspace, and the roll-up follows the change log.
    @discardableResult
    func refresh() throws -> [StoredItem] {
        let newest = try workspace.lastChangeID()
        if newest == lastChange { return [] }
        let ch = try workspace.changes(since: lastChange)
        for s in ch.items { apply(s) }
        for id in ch.removed { drop(id) }
        lastChange = ch.last
        return ch.items
    }

    private func apply(_ s: StoredItem) {
        if stored[s.id] == nil { insertOrdered(s.id) }
        stored[s.id] = s
        rollup.update(id: s.id, to: s.item)
        generation += 1
    }

    private func drop(_ id: Int64) {
        guard stored.removeValue(forKey: id) != nil else { return }
        rollup.remove(id: id)
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

    /// Adds a line; refused (nothing written) when it breaks a data rule.
    func add(_ item: LineItem, author: String) throws -> StoredItem {
        try refresh()
        let s = try workspace.add(item, author: author)
        try refresh()
        return s
    }

    /// Adds several lines (a pasted block) in one transaction: all or nothing.
    func addAll(_ items: [LineItem], author: String) throws -> [StoredItem] {
        try refresh()
        // The store's batch insert trusts its caller (the importer validates): validate every row here.
        var problems = ProblemCollector()
        for (i, item) in items.enumerated() {
            validator.validate(item, at: { Location(file: "粘贴的内容", line: i + 1, column: $0) }, into: &problems)
        }
        do { try problems.throwIfErrors() } catch { throw WorkspaceError.invalid(error) }
        let maxBefore = order.last ?? 0
        _ = try workspace.addItems(items, replace: false, author: author)
        return try refresh().filter { $0.id > maxBefore }
    }

    /// Changes a line; with the version the editor saw, a line changed since is refused (409).
    func set(_ id: Int64, to item: LineItem, expectedVersion: Int64?, author: String) throws -> StoredItem {
        try refresh()
        let s = try workspace.set(id, to: item, expectedVersion: expectedVersion, author: author)
        try refresh()
        return s
    }

    func remove(_ id: Int64, expectedVersion: Int64?, author: String) throws -> StoredItem {
        try refresh()
        let s = try workspace.remove(id, expectedVersion: expectedVersion, author: author)
        try refresh()
        return s
    }

    // MARK: - Reads

    func item(_ id: Int64) throws -> StoredItem? {
        try refresh()
        return stored[id]
    }

    /// One page of the lines matching a filter, in id order, with the number that match.
    func items(_ filter: ItemQuery, offset: Int, limit: Int) throws -> (total: Int, page: [StoredItem]) {
        try refresh()
        let ids: [Int64]
        if filter.isEmpty {
            ids = order
        } else if let c = filterCache, c.key == filter.cacheKey, c.generation == generation {
            ids = c.ids
        } else {
            ids = order.filter { id in stored[id].map { filter.matches($0) } ?? false }
            filterCache = (filter.cacheKey, generation, ids)
        }
        let start = min(max(0, offset), ids.count)
        let end = min(ids.count, start + max(0, limit))
        return (ids.count, ids[start..<end].compactMap { stored[$0] })
    }

    /// Changes since a change-log id a browser last saw; `nil` items means "too many, reload".
    func changes(since id: Int64) throws -> (last: Int64, items: [StoredItem]?, removed: [Int64]) {
        try refresh()
        if id >= lastChange { return (lastChange, [], []) }
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

    /// Runs a read over the current state (tree building) without copying the roll-up twice.
    func withState<T: Sendable>(_ body: @Sendable (Rollup, Budget, Rollup?, Budget?) throws -> T) throws -> T {
        try refresh()
        return try body(rollup, context, priorRollup, prior)
    }
}

/// A filter of the line-item grid: what a tree row stands for, plus the grid's own filters.
struct ItemQuery: Sendable {
    var unit: String?
    var functionPrefix: String?
    var economicPrefix: String?
    var project: String?
    var kind: ExpenditureKind?
    var source: Source?
    var ids: Set<Int64>?
    var text: String?

    var isEmpty: Bool {
        unit == nil && functionPrefix == nil && economicPrefix == nil && project == nil && kind == nil && source == nil
            && ids == nil && (text ?? "").isEmpty
    }

    var cacheKey: String {
        "\(unit ?? "")|\(functionPrefix ?? "")|\(economicPrefix ?? "")|\(project ?? "")|\(kind?.rawValue ?? -1)|"
            + "\(source?.rawValue ?? -1)|\(ids.map { $0.sorted().map(String.init).joined(separator: ",") } ?? "")|\(text ?? "")"
    }

    func matches(_ s: StoredItem) -> Bool {
        let i = s.item
        if let u = unit, i.unit != u { return false }
        if let f = functionPrefix, !i.function.hasPrefix(f) { return false }
        if let e = economicPrefix, !i.economic.hasPrefix(e) { return false }
        if let p = project, i.project != p { return false }
        if let k = kind, i.kind != k { return false }
        if let so = source, i.source != so { return false }
        if let ids, !ids.contains(s.id) { return false }
        if let t = text, !t.isEmpty, !i.memo.contains(t), !i.function.hasPrefix(t), !i.economic.hasPrefix(t),
           !(i.project ?? "").hasPrefix(t) { return false }
        return true
    }
}
