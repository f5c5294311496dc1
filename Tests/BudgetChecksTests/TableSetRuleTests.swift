@testable import BudgetChecks
import BudgetCore
import BudgetTables
import BudgetWorkbook
import Foundation
import Testing

/// Rules belong to a table set: they are read with it, checked against its templates, and run on its
/// tables without false findings.
@Suite("规则属于模板集：按模板集读取、核对、执行")
struct TableSetRuleTests {
    static func set(_ id: String) throws -> TableTemplateSet {
        try TableTemplateSet.load(templates.appendingPathComponent("tables/\(id)"))
    }

    static func check(_ b: Budget, _ setID: String, prior: Budget? = nil, tables: [DisclosureTable]? = nil) throws -> CheckReport {
        let set = try set(setID)
        let built = tables ?? TableBuilder(budget: b, rollup: Rollup(budget: b)).build(set)
        return Checker(rules: try RuleSet.load(for: set), limitPerRule: 200).run(CheckContext(budget: b, tables: built, prior: prior))
    }

    /// A random valid budget with "三公" lines (the synthetic generator draws economic codes at random).
    static func random(_ seed: UInt64) throws -> Budget {
        SyntheticBudget.make(items: 1200, units: 5, projectsPerUnit: 4, functionLeaves: 50, seed: seed, codes: try Fixtures.defaults())
    }

    @Test("each shipped set's rule file is the one its set.json names and matches its templates", arguments: ["shanxi-2025", "mof-9"])
    func shipped(_ id: String) throws {
        let set = try Self.set(id)
        let rules = try RuleSet.load(for: set)
        #expect(rules.id == id && rules.tables == id)
        #expect(rules.mismatches(with: set) == [])
    }

    @Test("the Shanxi rules on the nine tables are refused, naming what does not match, instead of skipping and false errors")
    func shanxiRulesOnMinistryTables() throws {
        let mof = try Self.set("mof-9")
        let shanxiFile = templates.appendingPathComponent("tables/shanxi-2025/rules.json")
        do {
            _ = try RuleSet.load(for: mof, file: shanxiFile)
            Issue.record("the Shanxi rules were accepted for mof-9")
        } catch let e as RuleFileError {
            #expect(e.reasons == ["规则文件是为公开表模板集 `shanxi-2025` 编写的，不能用于模板集 `mof-9`（财政部部门预算公开表（九张表））"])
        }
        // Without the `tables` field the rules are still checked against the templates, line by line.
        var text = try String(contentsOf: shanxiFile, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"tables\": \"shanxi-2025\",", with: "")
        let unmarked = try RuleSet.parse(Data(text.utf8), file: "shanxi.json")
        let problems = unmarked.mismatches(with: mof)
        #expect(problems.contains { $0.hasPrefix("规则 `T10.footing`（rules[") && $0.hasSuffix("）：表 T10 不在模板集 `mof-9` 中（其中的表：T1、T2、T3、T4、T5、T6、T7、T8、T9）") })
        #expect(problems.contains { $0.hasPrefix("规则 `T7.footing`（rules[") && $0.contains("）：表 T7 没有以 `revenue:` 开头的行（该表只有固定行）") })
        #expect(problems.contains { $0.hasPrefix("规则 `T1.footing`（rules[") && $0.contains("）：表 T1 没有金额列 `expense.total`（其金额列：income.amount、expense.amount）") })
        // What running them anyway did (the reason they are refused): rules skipped, false errors raised.
        let demo = try Fixtures.demo()
        let ran = Checker(rules: unmarked).run(CheckContext(budget: demo, tables: TableBuilder(budget: demo, rollup: Rollup(budget: demo)).build(mof)))
        print("山西规则用于九张表（演示预算）：未执行 \(ran.skipped.count) 条，错误 \(ran.count(.error)) 条")
        #expect(ran.skipped.count > 0 || ran.count(.error) > 0)
    }

    @Test("the nine-table rules on the demo: every rule runs, no error, the one warning is the data rule Shanxi raises too")
    func ministryOnDemo() throws {
        let demo = try Fixtures.demo(), prior = try Fixtures.demoPrior()
        let r = try Self.check(demo, "mof-9", prior: prior)
        #expect(r.skipped.isEmpty, "\(r.skipped.map(\.rule))")
        #expect(r.rulesEvaluated == (try RuleSet.load(for: Self.set("mof-9"))).rules.count)
        #expect(r.count(.error) == 0, "\(r.findings.filter { $0.severity == .error }.map(\.message))")
        let warnings = Set(r.findings.filter { $0.severity == .warning }.map(\.rule))
        #expect(warnings == ["data.personnel-on-project"])
        let shanxi = try Fixtures.check(demo, prior: prior)
        #expect(Set(shanxi.findings.filter { $0.severity == .warning }.map(\.rule)) == warnings)
    }

    @Test("the nine-table rules on random budgets raise no error", arguments: [UInt64(3), 4, 5, 6])
    func ministryOnRandom(_ seed: UInt64) throws {
        let b = try Self.random(seed)
        let r = try Self.check(b, "mof-9", prior: try Self.random(seed &+ 100))
        #expect(r.skipped.isEmpty)
        #expect(r.count(.error) == 0, "\(r.findings.filter { $0.severity == .error }.prefix(5).map { $0.message + " " + $0.places.joined() })")
    }

    /// A cell one of a rule's figures reads, with the values of its `each` taken from the demo's tables.
    static func cellOf(_ rule: Rule, _ tables: [DisclosureTable], _ b: Budget) -> (table: String, row: String, column: String)? {
        switch rule.check {
        case .footing(let f):
            guard let t = tables.first(where: { $0.key == f.table }) else { return nil }
            if let (total, _) = f.across.first {
                guard let r = t.rows.first(where: { row in
                    t.columns.firstIndex { $0.key == total }.map { (row.cells[$0].money ?? .zero) != .zero } ?? false
                }) else { return nil }
                return (t.key, r.keys.first ?? "", total)
            }
            if let g = f.groups.first { return (t.key, g.total, g.columns?.first ?? t.columns.first { $0.kind == .amount }!.key) }
            return nil
        case .compare(let c):
            var vars: [String: String] = [:]
            switch c.each {
            case .values(let v)?: vars = v.first ?? [:]
            case .tableRows(let name, let tk, let prefix, let len)?:
                let keys = tables.first { $0.key == tk }?.rows.flatMap(\.keys).filter { $0.hasPrefix(prefix) && (len == nil || $0.count == prefix.count + len!) } ?? []
                guard let k = keys.first else { return nil }
                vars = [name: String(k.dropFirst(prefix.count))]
            case .functionCodes(let name, _)?: vars = [name: Rollup(budget: b).functionCodes.first ?? ""]
            case nil: break
            }
            for f in c.left + c.right {
                if case .table(let t, let r, let col)? = f.figure(vars) { return (t, r, col) }
            }
            return nil
        default:
            return nil
        }
    }

    @Test("every nine-table rule that reads a table fails when one of its cells is 1 分 off")
    func everyTableRuleCatchesAnEdit() throws {
        let demo = try Fixtures.demo()
        let set = try Self.set("mof-9")
        let tables = TableBuilder(budget: demo, rollup: Rollup(budget: demo)).build(set)
        var tested = 0
        for rule in try RuleSet.load(for: set).rules {
            guard let (t, r, c) = Self.cellOf(rule, tables, demo) else { continue }
            let edited = try #require(tables.editing(t, row: r, column: c, by: 1), "\(rule.id): \(t) \(r) \(c)")
            let report = try Self.check(demo, "mof-9", tables: edited)
            #expect(!report.serious(rule.id).isEmpty, "\(rule.id) 没有发现 \(t) \(r) \(c) 多了 1 分")
            tested += 1
        }
        print("九张表规则：\(tested) 条读表格的规则各改 1 分后都报出")
        #expect(tested >= 24)
    }

    @Test("the worked example of docs/rules.md loads with the example set of docs/templates.md and runs on the demo")
    func docExample() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rules-doc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var files = try Self.blocks("templates.md")
        files["rules.json"] = try Self.blocks("rules.md")["rules.json"]
        #expect(files.count == 4)
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let set = try TableTemplateSet.load(dir)
        let rules = try RuleSet.load(for: set)
        #expect(rules.rules.map(\.id) == ["data.codes", "U1.footing", "U1.lines", "U2.footing", "U2.lines", "U2.prior"])
        let demo = try Fixtures.demo()
        let tables = TableBuilder(budget: demo, rollup: Rollup(budget: demo)).build(set)
        let ok = Checker(rules: rules).run(CheckContext(budget: demo, tables: tables, prior: try Fixtures.demoPrior()))
        #expect(ok.count(.error) == 0 && ok.count(.warning) == 0 && ok.skipped.isEmpty)
        let broken = Checker(rules: rules).run(CheckContext(budget: demo, tables: try #require(tables.editing("U1", row: "合计", column: "total", by: 1))))
        #expect(!broken.serious("U1.footing").isEmpty && !broken.serious("U1.lines").isEmpty)
    }

    @Test("the narrative's 数字来源 cite the chosen set's tables by their role")
    func narrativeCitations() throws {
        let demo = try Fixtures.demo(), prior = try Fixtures.demoPrior()
        func sources(_ set: String?) throws -> [String] {
            let citations = try set.map { try Self.set($0).citations }
            return Narrative(current: demo, prior: prior, citations: citations).sections.flatMap(\.sources)
        }
        #expect(try Self.set("mof-9").citations == ["income-expenditure": "表1", "income": "表2", "expenditure": "表3", "fiscal": "表4",
                                                    "general-public": "表5", "basic-economic": "表6", "three-public": "表7"])
        let mof = try sources("mof-9"), shanxi = try sources("shanxi-2025"), unset = try sources(nil)
        #expect(mof.contains { $0.hasPrefix("表7 合计") })
        #expect(mof.contains { $0.hasPrefix("按明细计算（所选公开表中没有机关运行经费表）") })
        #expect(shanxi == unset)
        #expect(shanxi.contains { $0.hasPrefix("表10 合计") } && shanxi.contains { $0.hasPrefix("表11 部门合计行") })
    }

    /// The JSON blocks of a document in docs/, by the file name on their fence.
    static func blocks(_ doc: String) throws -> [String: String] {
        let text = try String(contentsOf: repoRoot.appendingPathComponent("docs/\(doc)"), encoding: .utf8)
        var out: [String: String] = [:], name: String?, body: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let n = name {
                if line == "```" { out[n] = body.joined(separator: "\n"); name = nil; body = [] } else { body.append(String(line)) }
            } else if line.hasPrefix("```json "), let f = line.split(separator: " ").last, f.hasSuffix(".json") {
                name = String(f)
            }
        }
        return out
    }
}

@Suite("舍位平衡按所选模板集的规则，空格不动")
struct TableSetBalanceTests {
    /// Every move leaves the printed figure one of the two hundredths its exact amount lies between.
    static func valid(_ m: RoundingMove) -> Bool {
        let e = m.exact.fen
        guard e != 0 else { return false }
        let low = e / 10_000, high = e % 10_000 == 0 ? low : low + 1
        return m.after == low || m.after == high
    }

    @Test("the Shanxi footings on the nine tables (the old --balance-rounding) no longer print 0.01 in empty cells")
    func noFigureFromNothing() throws {
        let demo = try Fixtures.demo()
        let mof = TableBuilder(budget: demo, rollup: Rollup(budget: demo)).build(try TableSetRuleTests.set("mof-9"))
        let shanxi = try Fixtures.rules()
        var moves: [RoundingMove] = []
        for t in mof { moves += RoundingBalance.balance(t, rules: shanxi).moves }
        let bad = moves.filter { !Self.valid($0) }
        print("山西表内平衡用于九张表（演示）：移动 \(moves.count) 格，其中不在精确值两侧 0.01 之内的 \(bad.count) 格（精确值为零的 \(bad.filter { $0.exact == .zero }.count) 格）")
        #expect(bad.isEmpty, "\(bad.count) 格被错误移动，例如 \(bad.prefix(3).map(\.description))")
    }

    @Test("the nine tables balanced by their own rules: only valid moves, and the tables foot in print",
          arguments: [UInt64(0), 7, 8])
    func ministryBalance(_ seed: UInt64) throws {
        let b = seed == 0 ? try Fixtures.demo() : try TableSetRuleTests.random(seed)
        let set = try TableSetRuleTests.set("mof-9")
        let rules = try RuleSet.load(for: set)
        let tables = TableBuilder(budget: b, rollup: Rollup(budget: b)).build(set)
        var moved = 0, unresolved: [String] = []
        var printed: [DisclosureTable] = []
        for t in tables {
            let r = RoundingBalance.balance(t, rules: rules)
            #expect(r.moves.allSatisfy(Self.valid), "\(t.key): \(r.moves.filter { !Self.valid($0) }.map(\.description))")
            moved += r.moves.count
            unresolved += r.unresolved.map { "\(t.key) \($0)" }
            var p = t
            for (ri, row) in r.printed.enumerated() { for (c, h) in row.enumerated() { if let h { p.rows[ri].cells[c] = .amount(Money(fen: h * 10_000)) } } }
            printed.append(p)
        }
        print("舍位平衡 九张表（\(seed == 0 ? "演示" : "随机 \(seed)")）：移动 \(moved) 个数，未平衡 \(unresolved.count) 处")
        #expect(moved > 0)
        // Where every sum could be balanced, the printed tables foot: no printed-rounding note is left.
        if unresolved.isEmpty {
            let after = Checker(rules: rules).run(CheckContext(budget: b, tables: printed))
            let footings = rules.rules.filter { if case .footing = $0.check { return true } else { return false } }.map(\.id)
            #expect(after.findings.filter { footings.contains($0.rule) }.isEmpty)
        }
    }
}
