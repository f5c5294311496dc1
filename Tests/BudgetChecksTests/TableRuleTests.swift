import BudgetChecks
import BudgetCore
import BudgetTables
import Testing

/// One case per table rule: the demo's tables pass it; the same tables with one cell edited by
/// 1 分 break it.
struct TableCase: CustomTestStringConvertible, Sendable {
    var rule: String, table: String, row: String, column: String
    var severity: Severity = .error
    var testDescription: String { "\(rule)：\(table) \(row) \(column) +0.01 元" }
}

@Suite("勾稽审核：表内与表间规则（每条规则一个通过、一个不通过的例子）")
struct TableRuleTests {
    static let cases: [TableCase] = [
        TableCase(rule: "T1.footing", table: "T1", row: "本年收入合计", column: "income.amount"),
        TableCase(rule: "T2.footing", table: "T2", row: "function:2080501", column: "general-public"),
        TableCase(rule: "T3.footing", table: "T3", row: "function:2080501", column: "basic"),
        TableCase(rule: "T4.footing", table: "T4", row: "function:208", column: "expense.general-public"),
        TableCase(rule: "T5.footing", table: "T5", row: "function:20805", column: "basic"),
        TableCase(rule: "T6.footing", table: "T6", row: "economic:302", column: "public-use"),
        TableCase(rule: "T7.footing", table: "T7", row: "revenue:103", column: "amount"),
        TableCase(rule: "T8.footing", table: "T8", row: "function:212", column: "total"),
        TableCase(rule: "T9.footing", table: "T9", row: "合计", column: "revenue.amount"),
        TableCase(rule: "T9.footing-expense", table: "T9", row: "合计", column: "basic"),
        TableCase(rule: "T10.footing", table: "T10", row: "公务接待费", column: "general-public"),
        TableCase(rule: "T11.footing", table: "T11", row: "合计", column: "general-public"),
        TableCase(rule: "T12.footing", table: "T12", row: "project:080001/P02", column: "general-public"),
        TableCase(rule: "T13.footing", table: "T13", row: "unit:080001", column: "total"),
        TableCase(rule: "T1.balance", table: "T1", row: "收入总计", column: "income.amount"),
        TableCase(rule: "T1-T2.sources", table: "T2", row: "合计", column: "government-fund"),
        TableCase(rule: "T1-T2.totals", table: "T2", row: "合计", column: "carryover"),
        TableCase(rule: "T1-T3.classes", table: "T3", row: "function:220", column: "total"),
        TableCase(rule: "T3-T12-T13.projects", table: "T12", row: "合计", column: "total"),
        TableCase(rule: "T4-T5.general-public", table: "T5", row: "合计", column: "total"),
        TableCase(rule: "T4-T8.government-fund", table: "T8", row: "合计", column: "total"),
        TableCase(rule: "T5-T3.slice", table: "T5", row: "function:2200101", column: "total"),
        TableCase(rule: "T5-T3.slice-basic", table: "T5", row: "function:2200101", column: "basic"),
        TableCase(rule: "T5-T3.slice-project", table: "T5", row: "function:2200199", column: "project"),
        TableCase(rule: "T5-T6.basic", table: "T6", row: "合计", column: "total"),
        TableCase(rule: "T7-T8.fund", table: "T7", row: "合计", column: "amount", severity: .warning),
        TableCase(rule: "T11-T6.organ", table: "T11", row: "合计", column: "general-public"),
    ]

    @Test("每条表格规则：演示表通过，改动 1 分后不通过", arguments: cases)
    func rule(_ c: TableCase) throws {
        let budget = try Fixtures.demo()
        let tables = try Fixtures.tables(budget)
        let good = try Fixtures.check(budget, tables: tables)
        #expect(good.serious(c.rule).isEmpty, "演示表不应违反 \(c.rule)：\(good.serious(c.rule).map(\.message))")
        #expect(!good.skipped.contains { $0.rule == c.rule }, "\(c.rule) 未执行：\(good.skipped)")

        let broken = try #require(tables.editing(c.table, row: c.row, column: c.column, by: 1), "表 \(c.table) 没有 \(c.row)/\(c.column)")
        let bad = try Fixtures.check(budget, tables: broken)
        let found = bad.serious(c.rule)
        #expect(!found.isEmpty, "改动 \(c.table) \(c.row) \(c.column) 后 \(c.rule) 应报告")
        #expect(found.allSatisfy { $0.severity == c.severity })
        // Exact amounts: a 1 分 error is reported as 0.01 元 (or a sum containing it), never hidden by rounding.
        #expect(found.contains { $0.difference.map { abs($0.fen) == 1 } ?? true })
    }

    @Test("表格未生成时，依赖该表的规则列为未执行，而不是通过")
    func missingTable() throws {
        let budget = try Fixtures.demo()
        let tables = try Fixtures.tables(budget).filter { $0.key != "T12" }
        let r = try Fixtures.check(budget, tables: tables)
        #expect(r.skipped.contains { $0.rule == "T3-T12-T13.projects" && $0.reason.contains("T12") })
        #expect(r.skipped.contains { $0.rule == "T12.footing" })
    }

    @Test("只差印刷舍位（精确金额相符）的合计只作提示：演示表6 工资福利支出 3744.74 对各款之和 3744.75")
    func printedRoundingIsInfo() throws {
        let budget = try Fixtures.demo()
        let r = try Fixtures.check(budget)
        let t6 = r.all("T6.footing")
        #expect(t6.allSatisfy { $0.severity == .info && $0.printed })
        let salary = try #require(t6.first { $0.places.contains { $0.hasPrefix("表 T6 行 economic:301 列 total") } })
        #expect(salary.found == Money(fen: 374_474 * 10_000))
        #expect(salary.expected == Money(fen: 374_475 * 10_000))
    }
}
