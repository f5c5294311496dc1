import BudgetCore
import GRDB

/// What `budget verify` found: the kept subtotals against a roll-up recomputed from the lines,
/// and SQLite's own checks of the file.
public struct VerifyReport: Sendable {
    /// One (node, slot) whose kept sum differs from the recomputed one, in 分.
    public struct SumDifference: Sendable, Hashable {
        public var node: RollupNode
        public var slot: Int
        public var kept: Int64
        public var recomputed: Int64
    }

    /// A node (or one of its slots, when `slot` is set) whose kept count of lines differs from
    /// the lines that reach it.
    public struct LineCountDifference: Sendable, Hashable {
        public var node: RollupNode
        public var slot: Int? = nil
        public var kept: Int64
        public var recomputed: Int64
    }

    /// How many lines were read and how many nodes were compared.
    public var lines = 0
    public var nodes = 0
    public var sums: [SumDifference] = []
    public var lineCounts: [LineCountDifference] = []
    /// Kept rows that could not be read back (an unknown node kind, a slot or sum out of range).
    public var unreadable: [String] = []
    /// Lines whose amount is past `BudgetLimits.lineAmount` (only a hand edit of the file can put
    /// one there: every write refuses it, and the readers of figures rely on it).
    public var lineLimits: [String] = []
    /// `PRAGMA integrity_check` rows other than `ok`.
    public var integrity: [String] = []
    /// `PRAGMA foreign_key_check` rows (table, row, parent).
    public var foreignKeys: [String] = []

    /// True when everything agrees.
    public var isClean: Bool {
        sums.isEmpty && lineCounts.isEmpty && unreadable.isEmpty && lineLimits.isEmpty && integrity.isEmpty && foreignKeys.isEmpty
    }
}

extension Workspace {
    /// Recomputes the roll-up from the stored lines and compares it with the kept subtotals, node
    /// by node and slot by slot, then runs SQLite's integrity and foreign-key checks. One read
    /// transaction, so a writer in another process cannot make it see half a change.
    public func verify() throws -> VerifyReport {
        try dbWriter.read { db in
            var report = VerifyReport()
            let (flat, bad) = try Workspace.readKept(db)
            let kept = flat.list
            report.unreadable = bad
            var recomputed = try Workspace.rollupDelta(db)
            let items = try Workspace.fetchItems(db, tail: "ORDER BY id")
            report.lines = items.count
            for s in items { recomputed.add(s.item, sign: 1) }
            for s in items where s.item.amount.fen < 0 || s.item.amount > BudgetLimits.lineAmount {
                report.lineLimits.append("明细 #\(s.id) 的金额 \(s.item.amount.yuanText) 元超出范围（一条最多 \(BudgetLimits.text(BudgetLimits.lineAmount))）")
            }
            let fresh = Dictionary(recomputed.keptNodes.filter { !$0.isEmpty }.map { ($0.node, $0) },
                                   uniquingKeysWith: { a, _ in a })
            let stored = Dictionary(kept.map { ($0.node, $0) }, uniquingKeysWith: { a, _ in a })
            let none = Array(repeating: Int64(0), count: Slot.count)
            let zero = Rollup.KeptNode(node: .department, lines: 0, sums: none, slotLines: none)
            let all = Set(fresh.keys).union(stored.keys)
            report.nodes = all.count
            for n in all.sorted(by: { Workspace.key($0) < Workspace.key($1) }) {
                let k = stored[n] ?? zero, f = fresh[n] ?? zero
                if k.lines != f.lines { report.lineCounts.append(.init(node: n, kept: k.lines, recomputed: f.lines)) }
                for s in 0..<Slot.count where k.sums[s] != f.sums[s] {
                    report.sums.append(.init(node: n, slot: s, kept: k.sums[s], recomputed: f.sums[s]))
                }
                for s in 0..<Slot.count where k.slotLines[s] != f.slotLines[s] && k.lines == f.lines {
                    report.lineCounts.append(.init(node: n, slot: s, kept: k.slotLines[s], recomputed: f.slotLines[s]))
                }
            }
            report.integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
            report.foreignKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map { r in
                "表 \(r[0] as String? ?? "") 第 \(r[1] as Int64? ?? 0) 行引用的 \(r[2] as String? ?? "") 不存在"
            }
            return report
        }
    }
}
