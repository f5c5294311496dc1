import BudgetChecks
import BudgetCore
import BudgetTables
import Testing

@Suite("舍位平衡：最少移动 0.01，行列都平，合计不动")
struct RoundingBalanceTests {
    /// Sums of printed cells for every footing of the table.
    func foots(_ t: DisclosureTable, _ b: BalancedTable, total: String, parts: [String]) -> Bool {
        let tc = t.columns.firstIndex { $0.key == total }!, pcs = parts.map { p in t.columns.firstIndex { $0.key == p }! }
        for r in t.rows.indices where b.printed[r][tc] != nil {
            if b.printed[r][tc]! != pcs.reduce(0) { $0 + (b.printed[r][$1] ?? 0) } { return false }
        }
        return true
    }

    func table(_ rows: [(String, [Int64])]) -> DisclosureTable {
        DisclosureTable(key: "T3", label: "", title: "", sheetName: "t", department: "", header: [], headerMerges: [],
                        columns: [.init(key: "name", kind: .text, width: 10), .init(key: "total", kind: .amount, width: 10),
                                  .init(key: "basic", kind: .amount, width: 10), .init(key: "project", kind: .amount, width: 10)],
                        rows: rows.map { k, v in .init(keys: [k], cells: [.text(k)] + v.map { .amount(Money(fen: $0)) }) },
                        emptyNote: nil, landscape: false)
    }

    @Test("演示表6：移动最少的数使各行各列印刷数平衡，总计 3950.40 不变")
    func demoTable6() throws {
        let budget = try Fixtures.demo()
        let t6 = try #require(try Fixtures.tables(budget).first { $0.key == "T6" })
        let rules = try Fixtures.rules()
        let b = RoundingBalance.balance(t6, rules: rules)
        #expect(b.unresolved.isEmpty, "\(b.unresolved)")
        #expect(!b.moves.isEmpty)
        #expect(b.moves.allSatisfy { abs($0.after - $0.before) == 1 })
        let totalRow = try #require(t6.rows.firstIndex { $0.keys.contains("合计") })
        let totalCol = try #require(t6.columns.firstIndex { $0.key == "total" })
        #expect(b.printed[totalRow][totalCol] == 395_040, "总计 3950.40 不应改动")
        // The seed prints 3950.40 beside 3865.32 + 85.07: one of the two parts must move.
        #expect(b.moves.filter { $0.row == totalRow }.count == 1)
        // Said in the table's words: the printed code and name, the printed heading (not `economic:303`, `personnel`).
        for m in b.moves {
            #expect(m.place.hasPrefix("「") && !m.description.contains("economic:") && !m.description.contains("personnel"), "\(m.description)")
        }
        #expect(b.moves.contains { $0.description.contains("「合计」行「人员经费」列") || $0.description.contains("「合计」行「公用经费」列") },
                "\(b.moves.map(\.description))")
        print("舍位平衡 表6：移动 \(b.moves.count) 个数")
        for m in b.moves { print("  " + m.description) }
        #expect(foots(t6, b, total: "total", parts: ["personnel", "public-use"]))
        // After balancing, the checks find no printed-rounding difference in the table.
        // The table as printed after balancing: every amount is its printed 万元 figure.
        var balanced = t6
        for (r, row) in b.printed.enumerated() {
            for (c, h) in row.enumerated() { if let h { balanced.rows[r].cells[c] = .amount(Money(fen: h * 10_000)) } }
        }
        let r = Checker(rules: rules).run(CheckContext(budget: budget, tables: [balanced]))
        #expect(r.all("T6.footing").isEmpty, "\(r.all("T6.footing").map(\.places))")
    }

    @Test("三个 0.333 的部分：合计 1.00，只移动一个部分")
    func thirds() {
        // 合计 = 10000 分 = 0.01 万元 … use 万元: three parts of 3333.33 元 = 0.333333 万元 each.
        let t = table([("合计", [1_000_000, 1_000_000, 0]),
                       ("function:201", [333_333, 333_333, 0]),
                       ("function:202", [333_333, 333_333, 0]),
                       ("function:203", [333_334, 333_334, 0])])
        let f = Footing(table: "T3", across: [(total: "total", parts: ["basic", "project"])],
                        tree: .init(prefix: "function:", levels: [3], childPrefix: nil, totalRow: "合计", columns: nil), groups: [])
        let b = RoundingBalance.balance(t, footings: [f])
        #expect(b.unresolved.isEmpty)
        // 0.33 + 0.33 + 0.33 = 0.99 ≠ 1.00 in both columns: one row moves in both columns (its total and its part).
        #expect(b.moves.count == 2)
        #expect(Set(b.moves.map(\.row)).count == 1)
        #expect(b.printed[0][1] == 100 && b.printed[0][2] == 100)
        #expect(b.moves.allSatisfy { $0.reason.contains("平衡") })
    }

    @Test("已经平衡的表不移动任何数")
    func nothingToDo() {
        let t = table([("合计", [1_000_000, 600_000, 400_000]), ("function:201", [1_000_000, 600_000, 400_000])])
        let f = Footing(table: "T3", across: [(total: "total", parts: ["basic", "project"])],
                        tree: .init(prefix: "function:", levels: [3], childPrefix: nil, totalRow: "合计", columns: nil), groups: [])
        let b = RoundingBalance.balance(t, footings: [f])
        #expect(b.moves.isEmpty && b.unresolved.isEmpty)
    }
}
