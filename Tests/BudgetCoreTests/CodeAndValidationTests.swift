import Testing
@testable import BudgetCore

@Suite("Code trees and line validation")
struct CodeAndValidationTests {
    func book() -> CodeBook {
        var b = CodeBook()
        for c in ["208", "20805", "2080501", "2080599"] { b.define(.function, code: c, name: "n\(c)", origin: .defaults) }
        for c in ["301", "30101", "303", "30302"] { b.define(.economic, code: c, name: "n\(c)", origin: .defaults) }
        b.define(.governmentEconomic, code: "50101", name: "工资奖金津补贴", origin: .defaults)
        b.map(economic: "30101", to: EconomicMapping(administrative: "50101", institution: "50501"), origin: .defaults)
        return b
    }

    @Test func paths() {
        #expect(CodeSet.function.path(of: "2080501") == ["208", "20805", "2080501"])
        #expect(CodeSet.function.parent(of: "20805") == "208")
        #expect(CodeSet.function.parent(of: "208") == nil)
        #expect(CodeSet.economic.path(of: "30101") == ["301", "30101"])
        #expect(!CodeSet.function.isWellFormed("20805a1"))
        #expect(book().isLeaf(.function, "2080501"))
        #expect(!book().isLeaf(.function, "20805"))
    }

    @Test("every broken data rule is reported, with its column")
    func validation() {
        let v = LineItemValidator(codes: book(), units: [BudgetUnit(code: "080001", name: "局", type: .administrative)],
                                  projects: [Project(code: "P01", unit: "080001", name: "项目")])
        var out = ProblemCollector()
        let lines = [
            LineItem(unit: "080001", function: "2080501", economic: "30101", amount: Money(fen: 1)),                       // fine
            LineItem(unit: "080001", function: "2089999", economic: "30101", amount: Money(fen: 1)),                       // unknown code
            LineItem(unit: "080001", function: "20805", economic: "30101", amount: Money(fen: 1)),                         // not a 项
            LineItem(unit: "080001", function: "2080501", economic: "30101", kind: .project, project: "P07", amount: .zero), // other unit's project
            LineItem(unit: "080001", function: "2080501", economic: "30101", kind: .project, amount: .zero),               // no project
            LineItem(unit: "080001", function: "2080501", economic: "30101", project: "P01", amount: .zero),               // basic with project
            LineItem(unit: "999", function: "2080501", economic: "30302", amount: .zero),                                  // unknown unit, unmapped
        ]
        for (i, l) in lines.enumerated() { v.validate(l, at: { Location(file: "items.csv", line: i + 2, column: $0) }, into: &out) }
        let rules = out.problems.map { "\($0.location.line!):\($0.rule)" }
        #expect(rules == ["3:unknown-function-code", "4:malformed-function-code", "5:project-of-other-unit",
                          "6:project-line-without-project", "7:basic-line-with-project", "8:unknown-unit", "8:unmapped-economic-code"])
        #expect(out.problems[0].message.contains("2089999"))
        #expect(out.problems[2].message.contains("P07") && out.problems[2].message.contains("080001"))
    }

    @Test("checking many lines at once reports exactly what checking them one by one does")
    func bulkEqualsOneByOne() {
        let v = LineItemValidator(codes: book(), units: [BudgetUnit(code: "080001", name: "局", type: .administrative),
                                                         BudgetUnit(code: "080002", name: "中心", type: .institution)],
                                  projects: [Project(code: "P01", unit: "080001", name: "项目")])
        // Every value of each dimension, good and bad, in random combinations: the memo by distinct
        // value must neither hide a problem nor invent one.
        let units = ["080001", "080002", "999"], functions = ["2080501", "2080599", "2089999", "20805", "20805x1"]
        let economics = ["30101", "30302", "3010", "30199"], governments: [String?] = [nil, nil, "50101", "50199"]
        let projects: [String?] = [nil, "P01", "P07", ""]
        var rng = SyntheticBudget.RNG(seed: 11)
        func any<T>(_ a: [T]) -> T { a[Int(rng.next() % UInt64(a.count))] }
        let lines = (0..<3_000).map { _ in
            LineItem(unit: any(units), function: any(functions), economic: any(economics),
                     kind: rng.next() % 2 == 0 ? .basic : .project, project: any(projects),
                     amount: Money(fen: 1), governmentEconomic: any(governments))
        }
        let at = { (i: Int, c: String) in Location(file: "items.csv", line: i + 2, column: c) }
        var one = ProblemCollector(limit: 100_000), bulk = ProblemCollector(limit: 100_000)
        for (i, l) in lines.enumerated() { v.validate(l, at: { at(i, $0) }, into: &one) }
        v.validate(lines, at: at, into: &bulk)
        #expect(one.problems.count > 1_000)
        #expect(bulk.problems == one.problems)
        var limited = ProblemCollector(limit: 50)
        v.validate(lines, at: at, into: &limited)
        #expect(limited.problems == Array(one.problems.prefix(50)))
    }

    @Test("the collector stops at its limit and says so")
    func limit() {
        var out = ProblemCollector(limit: 3)
        for i in 0..<10 { out.add(Problem(rule: .cell, location: Location(line: i), message: "m")) }
        #expect(out.problems.count == 3)
        #expect(out.truncated)
        #expect(throws: ProblemsError.self) { try out.throwIfErrors() }
    }

    @Test("tree text aligns Chinese as two columns")
    func widths() {
        #expect(TextTable.width("行政运行") == 8)
        #expect(TextTable.width("2080501") == 7)
        let t = TextTable.render([["科目", "金额"], ["2080501", "1.00"]], rightAligned: [1])
        #expect(t == "科目     金额\n2080501  1.00\n")
    }

    /// The batch value check skips a text repeated (the same String) from a clean line before, never
    /// one repeated from a line with a problem: every line keeps its own problems.
    @Test("value rules over many lines: each line with a bad repeated text has its problem, as one by one")
    func valueRulesBatch() {
        let bad = "据实\u{01}列支", long = String(repeating: "字", count: TextRule.maxCharacters + 1)
        let ok = LineItem(unit: "001", function: "2010101", economic: "30101", amount: Money(fen: 1), memo: "据实列支")
        var lines = [ok, ok]
        for memo in [bad, bad, bad] { var l = ok; l.memo = memo; lines.append(l) }
        lines.append(ok)
        var l = ok; l.memo = long; lines += [l, l]
        l.amount = Money(fen: -1); lines += [l]
        var batch = ProblemCollector(), single = ProblemCollector()
        LineValueRules.check(lines, at: { Location(line: $0 + 1, column: $1) }, into: &batch)
        for (i, item) in lines.enumerated() { LineValueRules.check(item, at: { Location(line: i + 1, column: $0) }, into: &single) }
        #expect(batch.problems == single.problems)
        #expect(batch.problems.count == 7)
    }
}
