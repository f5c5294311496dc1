import BudgetChecks
import BudgetCore
import BudgetTables
import BudgetWorkbook
import Foundation
import GRDB
import Testing
@testable import BudgetStore

/// Readers of figures (export, check) on the kept subtotals: the lines a rule asks for come from
/// `StoredLines`, which reads only those. Each test compares with the same question asked of the
/// lines in memory (`ItemLines`), the way every reader worked before.
@Suite("Reading figures and rule lines from the kept subtotals")
struct FigureReadTests {
    /// The filters the data rules use, and some more.
    static let filters: [LineFilter] = [
        LineFilter(),
        LineFilter(kind: .project, economicPrefixes: ["301", "303"]),
        LineFilter(economicPrefixes: ["30211", "30217", "30231"]),
        LineFilter(kind: .basic, economicPrefixes: ["301"], hasBasis: false),
        LineFilter(hasBasis: true),
        LineFilter(unit: "080001", kind: .basic, economicPrefixes: ["301", "303"]),
        LineFilter(unit: "900002"),
        LineFilter(kind: .basic),
        LineFilter(economicPrefixes: ["3", "310"]),
        LineFilter(negativeAmount: true),
    ]

    /// A demo workspace broken behind the store's back, as a code list changed after the lines were
    /// written would break it: a function code no longer known, an economic code without its map,
    /// a line naming an unknown government code. The kept sums are rebuilt so they stay true.
    func broken() throws -> Workspace {
        let path = temporaryPath()
        let ws = try Workspace.create(at: path, budget: try demoBudget())
        try ws.add(LineItem(unit: "080001", function: "2080501", economic: "30302", amount: .zero), author: "t")
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: """
                DELETE FROM code WHERE code_set = 'function' AND code = (SELECT function FROM item ORDER BY id LIMIT 1);
                DELETE FROM economic_map WHERE economic = (SELECT economic FROM item WHERE gov_economic IS NULL ORDER BY id DESC LIMIT 1);
                UPDATE item SET gov_economic = '39999' WHERE id = (SELECT max(id) - 1 FROM item);
                """)
            try Workspace.rebuildKeptRollup(db)
        }
        return ws
    }

    /// Workspaces of every kind: the seed, one drafted from bases, one edited at random (lines of
    /// 0 分 among them), and the broken one.
    func workspaces() throws -> [(String, Workspace)] {
        let demo = try Workspace.create(at: temporaryPath(), budget: try demoBudget())
        let basis = try Workspace.create(at: temporaryPath(), budget: try basisBudget())
        let edited = try Workspace.create(at: temporaryPath(), budget: try demoBudget())
        var rng = SyntheticBudget.RNG(seed: 11)
        let pool = try demoBudget().items
        for _ in 0..<40 {
            var line = pool[Int(rng.next() % UInt64(pool.count))]
            line.amount = rng.next() % 4 == 0 ? .zero : Money(fen: Int64(rng.next() % 10_000_000))
            try edited.add(line, author: "t")
            let all = try edited.items()
            if rng.next() % 3 == 0 { try edited.remove(all[Int(rng.next() % UInt64(all.count))].id, author: "t") }
        }
        return [("demo", demo), ("basis", basis), ("edited", edited), ("broken", try broken())]
    }

    func inMemory(_ ws: Workspace) throws -> (budget: Budget, lines: ItemLines) {
        let (b, stored) = try ws.budgetWithItems()
        return (b, ItemLines(b.items, ids: stored.map(\.id)))
    }

    @Test("each filter lists the same lines, counts the same total and answers exists the same, at every limit")
    func filters() throws {
        for (name, ws) in try workspaces() {
            let memory = try inMemory(ws).lines
            try ws.readingFigures { read in
                for f in Self.filters {
                    for limit in [0, 1, 3, Int.max] {
                        let kept = read.lines.lines(f, limit: limit), mem = memory.lines(f, limit: limit)
                        #expect(kept.lines == mem.lines, "\(name) \(f) limit \(limit)")
                        #expect(kept.total == mem.total, "\(name) \(f) limit \(limit): total \(kept.total) against \(mem.total)")
                    }
                    #expect(read.lines.exists(f) == memory.exists(f), "\(name) \(f)")
                }
            }
        }
    }

    @Test("validation reads no line of a clean workspace, and finds every problem a full validation finds")
    func validation() throws {
        for (name, ws) in try workspaces() {
            let (budget, memory) = try inMemory(ws)
            let full = LineItemValidator.validate(budget, lines: memory, limit: .max).problems.map(\.description)
            try ws.readingFigures { read in
                let v = LineItemValidator(codes: read.budget.codes, units: read.budget.units, projects: read.budget.projects)
                let read_ = read.lines.linesToValidate(v)
                if full.isEmpty { #expect(read_.isEmpty, "\(name): a clean workspace reads \(read_.count) lines") }
                let kept = LineItemValidator.validate(read.budget, lines: read.lines, limit: .max).problems.map(\.description)
                #expect(kept == full, "\(name)")
                if name == "broken" { #expect(kept.count >= 4 && read_.count < budget.items.count, "\(kept)") }
            }
        }
    }

    @Test("check on the kept subtotals reports exactly what check on the lines reports, omitted counts included")
    func check() throws {
        let rules = try RuleSet.load(projectRoot.appendingPathComponent("Templates/tables/shanxi-2025/rules.json"))
        let set = try TableTemplateSet.load(projectRoot.appendingPathComponent("Templates/tables/shanxi-2025"))
        for (name, ws) in try workspaces() {
            for limit in [1, 30] {
                let (budget, stored) = try ws.budgetWithItems()
                let rollup = Rollup(budget: budget)
                let old = Checker(rules: rules, limitPerRule: limit).run(
                    CheckContext(budget: budget, tables: TableBuilder(budget: budget, rollup: rollup).build(set),
                                 itemIDs: stored.map(\.id), rollup: rollup))
                let new = try ws.readingFigures { read in
                    Checker(rules: rules, limitPerRule: limit).run(
                        CheckContext(budget: read.budget, tables: TableBuilder(budget: read.budget, rollup: read.rollup).build(set),
                                     rollup: read.rollup), lines: read.lines)
                }
                #expect(try new.json() == old.json(), "\(name) limit \(limit)")
                if name == "broken" { #expect(new.hasErrors) }
            }
        }
    }

    @Test("an old workspace (v6-slot-lines, a row per slot) gets its slot line counts from its lines; verify finds a count changed by hand")
    func slotLines() throws {
        let path = temporaryPath()
        let ws = try Workspace.create(at: path, budget: try demoBudget())
        try ws.add(LineItem(unit: "080001", function: "2080501", economic: "30302", amount: .zero), author: "t")
        try ws.close()
        try DatabaseQueue(path: path).write { db in
            // The tables as v5-subtotals and v6-slot-lines left them, empty: v7-slot-blob replaces them.
            try db.execute(sql: """
                DROP TABLE rollup_node;
                CREATE TABLE rollup_node (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL,
                                          lines INTEGER NOT NULL CHECK (lines >= 0), UNIQUE (kind, a, b));
                CREATE TABLE rollup_sum (node INTEGER NOT NULL REFERENCES rollup_node(id), slot INTEGER NOT NULL,
                                         fen INTEGER NOT NULL, lines INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (node, slot)) WITHOUT ROWID;
                DELETE FROM grdb_migrations WHERE identifier = 'v7-slot-blob'
                """)
        }
        let reopened = try Workspace.open(path)
        #expect(try reopened.verify().isClean)
        let (b, _) = try reopened.budgetWithItems()
        let (_, kept) = try reopened.budgetWithKeptRollup()
        // Every line in the department's slots, the one of 0 分 included.
        #expect(kept.lines(.department) == Int64(b.items.count))
        #expect(kept.lines(.department, Measure(kinds: [.project])) == Int64(b.items.filter { $0.kind == .project }.count))
        try DatabaseQueue(path: path).write { db in
            try changeKeptByHand(db, kind: "department") { _, lines in lines += 1 }
        }
        let report = try reopened.verify()
        #expect(report.lineCounts.contains { $0.node == .department && $0.slot != nil && $0.kept == $0.recomputed + 1 })
        #expect(!report.isClean)
    }
}
