import BudgetCore
import BudgetWorkbook
import Foundation
import GRDB
import Testing
@testable import BudgetStore

/// Changes the first kept slot of a node behind the store's back (its sum and its line count), as an
/// outside tool could: the BLOB is decoded and written again (`KeptSlots`).
func changeKeptByHand(_ db: Database, kind: String, a: String = "", b: String = "",
                      _ change: (inout Int64, inout Int64) -> Void) throws {
    let blob = try [UInt8](#require(try Data.fetchOne(db, sql: "SELECT slots FROM rollup_node WHERE kind = ? AND a = ? AND b = ?",
                                                 arguments: [kind, a, b])))
    var sums = Array(repeating: Int64(0), count: Slot.count), lines = sums
    #expect(KeptSlots.decode(blob, limit: .max, maxLines: .max, sums: &sums, lines: &lines) == nil)
    let slot = Int(blob[0])
    change(&sums[slot], &lines[slot])
    try db.execute(sql: "UPDATE rollup_node SET slots = ? WHERE kind = ? AND a = ? AND b = ?",
                   arguments: [Data(KeptSlots.encode(sums: sums, lines: lines)), kind, a, b])
}

/// The first slot a kept node has.
func firstKeptSlot(_ q: DatabaseQueue, _ kind: String, _ a: String) throws -> Int {
    try q.read { db in try Data.fetchOne(db, sql: "SELECT slots FROM rollup_node WHERE kind = ? AND a = ?", arguments: [kind, a])?.first.map(Int.init) ?? -1 }
}

/// The kept subtotals (v5-subtotals, v7-slot-blob): every write of a line moves them in its transaction, and
/// `verify` recomputes them from the lines. Each test ends in `verify`; `keptEqualsFresh` also
/// compares every figure with a roll-up built from the lines the old way.
@Suite("Kept subtotals and verify")
struct KeptRollupTests {
    /// Verify is clean, and the kept roll-up has the nodes and sums of `Rollup(budget:)`.
    func expectConsistent(_ ws: Workspace, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let report = try ws.verify()
        #expect(report.isClean, "\(what): \(report.sums.prefix(3)) \(report.lineCounts.prefix(3)) \(report.unreadable) \(report.integrity) \(report.foreignKeys)",
                sourceLocation: sourceLocation)
        let budget = try ws.budget()
        let fresh = Rollup(budget: budget)
        let (_, kept) = try ws.budgetWithKeptRollup()
        #expect(Set(kept.knownNodes) == Set(fresh.knownNodes), "\(what): node sets", sourceLocation: sourceLocation)
        for n in fresh.knownNodes where kept.slotSums(n) != fresh.slotSums(n) {
            Issue.record("\(what): \(n) kept \(kept.slotSums(n)) fresh \(fresh.slotSums(n))", sourceLocation: sourceLocation)
            break
        }
    }

    @Test("a created workspace keeps the roll-up of its lines")
    func created() throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try demoBudget())
        try expectConsistent(ws, "demo")
        let basis = try Workspace.create(at: temporaryPath(), budget: try basisBudget())
        try expectConsistent(basis, "basis")
        let report = try ws.verify()
        #expect(report.lines == (try demoBudget()).items.count && report.nodes > 100)
    }

    @Test("verify reports a kept sum changed behind the store's back, a line deleted by hand, and an unknown node")
    func verifyFindsDifferences() throws {
        let path = temporaryPath()
        let ws = try Workspace.create(at: path, budget: try demoBudget())
        let q = try DatabaseQueue(path: path)
        try q.write { db in try changeKeptByHand(db, kind: "department") { fen, _ in fen += 1 } }
        var report = try ws.verify()
        #expect(report.sums.count == 1 && report.sums[0].node == .department && report.sums[0].kept == report.sums[0].recomputed + 1)
        #expect(report.lineCounts.isEmpty && !report.isClean)

        let line = try #require(try ws.item(1))
        try q.write { db in try db.execute(sql: "DELETE FROM item WHERE id = 1") }
        report = try ws.verify()
        #expect(report.lineCounts.contains { $0.node == .unit(line.item.unit) && $0.kept == $0.recomputed + 1 })
        #expect(report.lineCounts.contains { $0.node == .function(line.item.function) })

        try q.write { db in try db.execute(sql: "INSERT INTO rollup_node(kind, a, b, lines, slots) VALUES ('unit', 'X', '', 1, x'')") }
        report = try ws.verify()
        #expect(report.lineCounts.contains { $0.node == .unit("X") && $0.kept == 1 && $0.recomputed == 0 })
        // A reader refuses a kept row it cannot read, rather than sum it.
        let blob301 = try #require(try q.read { db in try Data.fetchOne(db, sql: "SELECT slots FROM rollup_node WHERE kind = 'economic' AND a = '301'") })
        try q.write { db in try changeKeptByHand(db, kind: "economic", a: "301") { fen, _ in fen = .max } }
        let slot = try firstKeptSlot(q, "economic", "301")
        let unreadable = try ws.verify().unreadable
        #expect(unreadable == ["节点 economic 301 的小计格 \(slot) 的小计 9223372036854775807 分超出上限"])
        #expect(throws: WorkspaceError.self) { try ws.budgetWithKeptRollup() }
        // So does every write that would move that node, and the write changes nothing.
        let before = try ws.budgetWithItems().items.count
        #expect(throws: WorkspaceError.self) {
            try ws.add(LineItem(unit: "080001", function: "2080501", economic: "30101", amount: Money(fen: 5)), author: "t")
        }
        #expect(try ws.budgetWithItems().items.count == before)
        // A BLOB that is not whole records (which the schema refuses unless told not to check), and
        // records out of order, do not read back either.
        let setSlots = "UPDATE rollup_node SET slots = ? WHERE kind = 'economic' AND a = '301'"
        #expect(throws: DatabaseError.self) { try q.write { db in try db.execute(sql: setSlots, arguments: [Data([0]) + blob301]) } }
        try q.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: setSlots, arguments: [Data([0]) + blob301])
            try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
        }
        #expect((try ws.verify()).unreadable.contains { $0.contains("不是 17 的倍数") })
        try q.write { db in try db.execute(sql: setSlots, arguments: [blob301.prefix(17) + blob301.prefix(17)]) }
        #expect((try ws.verify()).unreadable.contains { $0.contains("重复或未按顺序") })
    }

    @Test("with the kept nodes deleted by hand, taking a line out fails rather than keep a negative sum; nothing changes")
    func emptiedKeptNodes() throws {
        let path = temporaryPath()
        let ws = try Workspace.create(at: path, budget: try demoBudget())
        let before = try ws.budgetWithItems().items.count
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "DELETE FROM rollup_node") }
        let error = #expect(throws: WorkspaceError.self) { try ws.remove(1, author: "t") }
        #expect("\(String(describing: error))".contains("会成为负数"))
        #expect(try ws.budgetWithItems().items.count == before && (try ws.item(1)) != nil)
        #expect(!(try ws.verify()).isClean)
    }

    @Test("an old workspace (before v5-subtotals) opens with kept sums computed from its lines")
    func migration() throws {
        let path = temporaryPath()
        let ws = try Workspace.create(at: path, budget: try demoBudget())
        try ws.add(LineItem(unit: "080001", function: "2080501", economic: "30302", amount: Money(fen: 5)), author: "t")
        try ws.close()
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "DROP TABLE rollup_node; DELETE FROM grdb_migrations WHERE identifier IN ('v5-subtotals', 'v6-slot-lines', 'v7-slot-blob')")
        }
        let reopened = try Workspace.open(path)
        try expectConsistent(reopened, "migrated")
    }

    @Test("imports keep the subtotals: append, append with new units, and replace")
    func imports() throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try demoBudget())
        let items = try demoBudget().items
        try ws.addItems(Array(items.prefix(7)), replace: false, author: "导入")
        try expectConsistent(ws, "append")
        try ws.addItems(Array(items.suffix(30)), replace: true, author: "导入")
        try expectConsistent(ws, "replace")
        let unit = BudgetUnit(code: "080099", name: "新事业单位", type: .institution)
        var moved = items.prefix(5).map { var i = $0; i.unit = unit.code; i.kind = .basic; i.project = nil; return i }
        moved[0].amount = .zero // a line of 0 still makes its nodes exist
        try ws.addItems(moved, replace: false, author: "导入", newUnits: [unit])
        try expectConsistent(ws, "new unit")
        try ws.addItems([], replace: true, author: "导入")
        try expectConsistent(ws, "emptied")
        #expect(try ws.verify().nodes == 0) // no line: no node kept, none recomputed
    }

    @Test("random edit sequences of every kind keep the subtotals (add, set, rm, steps, undo, redo, refused edits)", arguments: [1, 2, 3] as [UInt64])
    func randomEdits(seed: UInt64) throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try demoBudget())
        var rng = SyntheticBudget.RNG(seed: seed)
        let pool = try demoBudget().items
        var steps: [ClosedRange<Int64>] = []
        func pick() throws -> StoredItem? {
            let all = try ws.items()
            return all.isEmpty ? nil : all[Int(rng.next() % UInt64(all.count))]
        }
        /// A valid line: a pool line with another pool line's amount and memo.
        func variant(of base: LineItem) -> LineItem {
            var i = base
            let other = pool[Int(rng.next() % UInt64(pool.count))]
            i.amount = Money(fen: Int64(rng.next() % 10_000_000))
            if rng.next() % 3 == 0 { i = other; i.amount = Money(fen: Int64(rng.next() % 1_000)) }
            if rng.next() % 5 == 0 { i.amount = .zero }
            return i
        }
        for round in 0..<60 {
            switch rng.next() % 7 {
            case 0:
                try ws.add(variant(of: pool[Int(rng.next() % UInt64(pool.count))]), author: "t")
            case 1:
                if let s = try pick() { try ws.set(s.id, to: variant(of: s.item), expectedVersion: s.version, author: "t") }
            case 2:
                if let s = try pick() { try ws.remove(s.id, author: "t") }
            case 3:
                // A step of several edits, which later rounds may undo.
                var edits: [LineEdit] = []
                if let s = try pick() { edits.append(.set(id: s.id, to: variant(of: s.item), expectedVersion: s.version)) }
                edits.append(.add(variant(of: pool[Int(rng.next() % UInt64(pool.count))])))
                if let s = try pick(), !edits.contains(where: { if case .set(let id, _, _) = $0 { return id == s.id } else { return false } }) {
                    edits.append(.remove(id: s.id, expectedVersion: s.version))
                }
                if let log = try ws.apply(edits, author: "t").log { steps.append(log) }
            case 4:
                // Undo, then sometimes redo.
                if let log = steps.popLast() {
                    if let back = try? ws.revert(log, author: "t"), let undo = back.log, rng.next() % 2 == 0 {
                        _ = try? ws.revert(undo, author: "t")
                    }
                }
            case 5:
                // Refused: a line that breaks a data rule, inside a step with a good edit.
                let bad = LineItem(unit: "080001", function: "2089999", economic: "30302", amount: Money(fen: 5))
                _ = try? ws.apply([.add(pool[0]), .add(bad)], author: "t")
            default:
                if let s = try pick() { try ws.set(s.id, to: variant(of: s.item), author: "t") }
            }
            if round % 10 == 9 { try expectConsistent(ws, "seed \(seed) round \(round)") }
        }
        try expectConsistent(ws, "seed \(seed) end")
    }

    @Test("basis edits that move computed lines keep the subtotals (standard, parameter, roster, line with a basis)")
    func basisEdits() throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try basisBudget())
        try ws.setStandard(Standard(name: "养老保险单位缴费比例", value: try BasisNumber.parse("20%")), author: "t")
        try expectConsistent(ws, "standard")
        try ws.setParameter(Parameter(unit: "900001", name: "单价", value: try BasisNumber.parse("5000")), author: "t")
        try expectConsistent(ws, "parameter")
        try ws.importStaff([StaffRow(unit: "900001", name: "新人", category: "在职", count: 2, amounts: ["基本工资": Money(fen: 100_000)])],
                           replace: false, author: "t")
        try expectConsistent(ws, "roster import")
        let (id, row) = try #require(try ws.staff(unit: "900001").first)
        var more = row
        more.count = 7
        try ws.setStaffRow(id, to: more, author: "t")
        try expectConsistent(ws, "roster row")
        var line = try #require(try ws.item(5)).item
        line.basis = "经济(30101) × 2"
        line.unit = "900001"
        line.economic = "30103"
        try ws.set(5, to: line, author: "t")
        try expectConsistent(ws, "line with a basis")
        try ws.remove(1, author: "t") // 30101 of 900001: its readers move
        try expectConsistent(ws, "removed a read line")
        try ws.addItems([LineItem(unit: "900001", function: "2010101", economic: "30101", amount: Money(fen: 70_000))],
                        replace: false, author: "t")
        try expectConsistent(ws, "import moving readers")
        _ = try? ws.setStandard(Standard(name: "公用经费定额", value: try BasisNumber.parse("-1")), author: "t")
        try expectConsistent(ws, "refused")
    }
}
