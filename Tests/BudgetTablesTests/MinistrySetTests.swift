import BudgetCore
import BudgetExport
import BudgetTables
import BudgetWorkbook
import BudgetXLSX
import Foundation
import Testing

/// The ministry's nine tables (Templates/tables/mof-9): every figure equals the Shanxi set's figure
/// for the same quantity, on the demo and on random budgets, cell by cell in exact 分.
@Suite("Ministry nine-table set (mof-9)")
struct MinistrySetTests {
    static let mof = Fixtures.root.appendingPathComponent("Templates/tables/mof-9")

    static func codes() throws -> CodeBook {
        try CodeLists.loadDefaults(codesFolder: Fixtures.root.appendingPathComponent("Templates/codes"))
    }

    /// A random budget with every source, carry-over, both kinds, 机关 and 事业 units, and "三公" lines.
    static func random(seed: UInt64) throws -> Budget {
        var b = SyntheticBudget.make(items: 1500, units: 5, projectsPerUnit: 4, functionLeaves: 60, seed: seed, codes: try codes())
        var rng = SyntheticBudget.RNG(seed: seed &+ 7)
        for code in ["30212", "30217", "31013", "30231"] {
            for _ in 0..<6 {
                let unit = b.units[Int(rng.next() % UInt64(b.units.count))].code
                let project = rng.next() % 2 == 0
                b.items.append(LineItem(unit: unit, function: b.items[Int(rng.next() % 100)].function, economic: code,
                                        source: Source(rawValue: Int(rng.next() % 5))!,
                                        carryover: rng.next() % 4 == 0 ? .carriedOver : .currentYear,
                                        kind: project ? .project : .basic, project: project ? "P001" : nil,
                                        amount: Money(fen: Int64(rng.next() % 5_000_000)), governmentEconomic: nil, memo: ""))
            }
        }
        return b
    }

    static func build(_ b: Budget) throws -> (mof: [String: DisclosureTable], shanxi: [String: DisclosureTable]) {
        let r = Rollup(budget: b)
        let builder = TableBuilder(budget: b, rollup: r)
        let m = builder.build(try TableTemplateSet.load(mof)), s = builder.build(try TableTemplateSet.load(Fixtures.templates))
        return (Dictionary(uniqueKeysWithValues: m.map { ($0.key, $0) }), Dictionary(uniqueKeysWithValues: s.map { ($0.key, $0) }))
    }

    /// Row keys of a table that start with a prefix.
    static func keys(_ t: DisclosureTable?, _ prefix: String) -> Set<String> {
        Set((t?.rows ?? []).flatMap(\.keys).filter { $0.hasPrefix(prefix) })
    }

    /// Every mof-9 cell against the Shanxi cells of the same quantity; returns the mismatches.
    static func mismatches(_ b: Budget) throws -> [String] {
        let (m, s) = try build(b)
        var out: [String] = []
        var compared = 0
        func v(_ t: [String: DisclosureTable], _ k: String, _ r: String, _ c: String) -> Money? {
            guard let table = t[k] else { return nil }
            guard table.columns.contains(where: { $0.key == c }) else { return nil }
            return table.amount(row: r, column: c) ?? .zero
        }
        func same(_ mk: String, _ mr: String, _ mc: String, _ parts: [(String, String, String)]) {
            compared += 1
            guard let mv = v(m, mk, mr, mc) else { out.append("mof \(mk) 缺少列 \(mc)"); return }
            var sv = Money.zero
            for (k, r, c) in parts {
                guard let x = v(s, k, r, c) else { out.append("shanxi \(k) 缺少列 \(c)"); return }
                sv += x
            }
            if mv != sv { out.append("\(mk) \(mr) \(mc): mof \(mv.yuanText) ≠ shanxi \(sv.yuanText)") }
        }
        // T1 收支总表
        for (mr, sr) in [("一、一般公共预算拨款收入", "一、一般公共预算"), ("二、政府性基金预算拨款收入", "二、政府性基金预算"),
                         ("三、国有资本经营预算拨款收入", "三、国有资本经营预算"), ("四、财政专户管理资金收入", "四、财政专户管理资金"),
                         ("五、单位资金", "五、单位资金"), ("本年收入合计", "本年收入合计"), ("上年结转", "上年结转"), ("收入总计", "收入总计")] {
            same("T1", mr, "income.amount", [("T1", sr, "income.amount")])
        }
        for k in keys(s["T1"], "function:").union(keys(m["T1"], "function:")) { same("T1", k, "expense.amount", [("T1", k, "expense.total")]) }
        for r in ["本年支出合计", "支出总计"] { same("T1", r, "expense.amount", [("T1", r, "expense.total")]) }
        // T2 收入总表: 合计 includes 上年结转 (Shanxi's 合计 is the current year only).
        let t2 = keys(m["T2"], "function:")
        if t2 != keys(s["T2"], "function:") { out.append("T2 行不同：\(t2.symmetricDifference(keys(s["T2"], "function:")).sorted())") }
        for r in t2.union(["合计"]) {
            same("T2", r, "total", [("T2", r, "total"), ("T2", r, "carryover")])
            for c in ["carryover", "general-public", "government-fund", "state-capital", "special-account", "unit-funds"] {
                same("T2", r, c, [("T2", r, c)])
            }
        }
        // T3 支出总表, T5 一般公共预算, T8 政府性基金: the same rows and columns.
        for k in ["T3", "T5", "T8"] {
            let rows = keys(m[k], "function:")
            if rows != keys(s[k], "function:") { out.append("\(k) 行不同") }
            for r in rows.union(["合计"]) { for c in ["total", "basic", "project"] { same(k, r, c, [(k, r, c)]) } }
        }
        // T4 财政拨款收支总表
        for (mr, sr) in [("本年收入", "本年收入合计"), ("本年收入：一般公共预算", "一、一般公共预算"),
                         ("本年收入：政府性基金预算", "二、政府性基金预算"), ("本年收入：国有资本经营预算", "三、国有资本经营预算"),
                         ("上年结转", "上年财政拨款结转"), ("上年结转：一般公共预算", "上年结转：一般公共预算"),
                         ("上年结转：政府性基金预算", "上年结转：政府性基金预算"), ("上年结转：国有资本经营预算", "上年结转：国有资本经营预算"),
                         ("收入总计", "收入总计")] {
            same("T4", mr, "income.amount", [("T4", sr, "income.amount")])
        }
        let t4 = keys(m["T4"], "function:")
        if t4 != keys(s["T4"], "function:") { out.append("T4 类不同") }
        for (mr, sr) in t4.map({ ($0, $0) }) + [("本年支出", "本年支出合计"), ("支出总计", "支出总计")] {
            same("T4", mr, "expense.total", [("T4", sr, "expense.subtotal")])
            for c in ["expense.general-public", "expense.government-fund", "expense.state-capital"] { same("T4", mr, c, [("T4", sr, c)]) }
        }
        // T6 基本支出: each 款 once, the sum of its (部门款, 政府款) rows in the Shanxi table.
        let pairs = keys(s["T6"], "pair:")
        let kuan = Set(pairs.map { String($0.dropFirst(5).prefix(5)) })
        let classes = keys(s["T6"], "economic:")
        let expected = classes.union(kuan.map { "economic:\($0)" })
        if keys(m["T6"], "economic:") != expected { out.append("T6 行不同：\(keys(m["T6"], "economic:").symmetricDifference(expected).sorted())") }
        for c in ["total", "personnel", "public-use"] {
            same("T6", "合计", c, [("T6", "合计", c)])
            for r in classes { same("T6", r, c, [("T6", r, c)]) }
            for k in kuan { same("T6", "economic:\(k)", c, pairs.filter { $0.hasPrefix("pair:\(k)/") }.sorted().map { ("T6", $0, c) }) }
        }
        // T7 "三公": one row, the items as columns = the Shanxi T10's 一般公共预算 column.
        for (mc, sr) in [("total", "合计"), ("abroad", "因公出国（境）费"), ("car", "公务用车购置及运行费"),
                         ("car.purchase", "公务用车购置费"), ("car.operation", "公务用车运行维护费"), ("reception", "公务接待费")] {
            same("T7", "预算数", mc, [("T10", sr, "general-public")])
        }
        // T9 国有资本经营预算支出 = the Shanxi T9's expenditure side.
        let t9 = keys(m["T9"], "function:")
        if t9 != keys(s["T9"], "function:") { out.append("T9 行不同") }
        for r in t9.union(["合计"]) { for c in ["total", "basic", "project"] { same("T9", r, c, [("T9", r, c)]) } }
        if compared < 100 { out.append("只比较了 \(compared) 格") }
        return out
    }

    @Test("the set loads: nine tables T1 … T9 in the ministry's order, named mof-9, with its rule file")
    func loads() throws {
        let set = try TableTemplateSet.load(Self.mof)
        #expect(set.id == "mof-9")
        #expect(set.tables.map(\.key) == (1...9).map { "T\($0)" })
        #expect(set.tables.map(\.sheet) == ["表1 部门收支总表", "表2 部门收入总表", "表3 部门支出总表", "表4 财政拨款收支总表",
                                            "表5 一般公共预算支出表", "表6 一般公共预算基本支出表", "表7 一般公共预算三公经费支出表",
                                            "表8 政府性基金预算支出表", "表9 国有资本经营预算支出表"])
        #expect(set.rulesFile?.lastPathComponent == "rules.json")
        #expect(FileManager.default.fileExists(atPath: set.rulesFile?.path ?? "/nonexistent"))
    }

    @Test("on the demo every figure equals the Shanxi set's figure for the same quantity")
    func demoEqualsShanxi() throws {
        #expect(try Self.mismatches(try Fixtures.demoBudget()) == [])
    }

    @Test("on random budgets every figure equals the Shanxi set's", arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func randomEqualsShanxi(seed: UInt64) throws {
        let b = try Self.random(seed: seed)
        let (m, _) = try Self.build(b)
        // The random budgets reach the parts the demo leaves empty: 三公, 国有资本经营, several unit types.
        #expect(m["T7"]?.hasNoFigures == false)
        #expect(m["T9"]?.hasNoFigures == false)
        #expect(Set(b.units.map(\.type)).count == 3)
        #expect(try Self.mismatches(b) == [])
    }

    @Test("table 6 prints each economic 款 once when 机关 and 事业 units map it to different government 款")
    func economicKuanOnce() throws {
        let b = try Self.random(seed: 11)
        let (m, s) = try Self.build(b)
        let pairs = Self.keys(s["T6"], "pair:30101/")
        #expect(pairs.count >= 2, "the random budget should map 30101 twice: \(pairs)")
        let rows = try #require(m["T6"]).rows.filter { $0.keys.contains("economic:30101") }
        #expect(rows.count == 1)
        #expect(rows.first?.cells.contains(.text("基本工资")) == true)
    }

    @Test("the demo's nine tables as a clerk reads them: figures and the empty tables' notes")
    func demoPrinted() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("mof9.xlsx")
        _ = try DisclosureExport.run(budget: try Fixtures.demoBudget(), templates: try TableTemplateSet.load(Self.mof), out: out)
        let reader = try XLSXReader(url: out)
        #expect(reader.sheets.count == 9)
        let t1 = try PrintedSheet(reader, sheet: "表1 部门收支总表")
        #expect(t1.figureRows.first == ["一、一般公共预算拨款收入", "5500.87", "一、一般公共服务支出"])
        #expect(t1.figureRows.contains(["收入总计", "13487.42", "支出总计", "13487.42"]))
        let t6 = try PrintedSheet(reader, sheet: "表6 一般公共预算基本支出表")
        // The seed's 工资福利支出 prints 3744.74 while its printed items add to 3744.75.
        #expect(t6.figureRows.contains(["301", "工资福利支出", "3744.74", "3744.74"]))
        #expect(t6.figureRows.first == ["合计", "3950.40", "3865.32", "85.07"])
        let t7 = try PrintedSheet(reader, sheet: "表7 一般公共预算三公经费支出表")
        #expect(t7.contains("注：本部门2025年没有一般公共预算“三公”经费支出，本表无数据。"))
        #expect(t7.merges.map(\.reference).contains("C5:E5"))
        let t4 = try PrintedSheet(reader, sheet: "表4 财政拨款收支总表")
        #expect(t4.figureRows.contains(["一、本年收入", "13000.87", "一、本年支出", "13487.42", "5987.42", "7500.00"]))
        #expect(t4.contains("（十九）自然资源海洋气象等支出"))
    }
}

/// The language additions the nine tables need, and their refusals.
@Suite("Template language: economic tree, node columns, row sequences")
struct TemplateLanguageTests {
    static func set(_ table: String, measures: String = #"{"all": {}, "current": {"carryover": "当年"}}"#) throws -> URL {
        try TemplateSetTests.writeSet(["set.json": #"{"id": "t", "tables": ["t.json"], "measures": \#(measures)}"#, "t.json": table])
    }

    static func problems(_ table: String) throws -> [String] {
        let dir = try set(table)
        defer { try? FileManager.default.removeItem(at: dir) }
        do { _ = try TableTemplateSet.load(dir); return [] } catch { return error.problems.map(\.message) }
    }

    static func built(_ table: String, _ b: Budget) throws -> DisclosureTable {
        let dir = try set(table)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try #require(TableBuilder(budget: b, rollup: Rollup(budget: b)).build(try TableTemplateSet.load(dir)).first)
    }

    static let oneRow = #"""
    {"key": "X", "label": "x", "title": "x", "sheet": "x", "header": [["出国", "接待"]],
     "sides": [{"columns": [
        {"key": "abroad", "measure": "all", "node": "economic:30212"},
        {"key": "reception", "measure": "all", "node": ["economic:30217"]}],
       "rows": {"source": "fixed", "rows": [ROW]}}]}
    """#

    @Test("a column's node selects what its cells sum on a row of the whole department")
    func nodeColumns() throws {
        var b = try Fixtures.demoBudget()
        let unit = b.units[0].code
        b.items.append(LineItem(unit: unit, function: "2200101", economic: "30212", source: .generalPublic, carryover: .currentYear,
                                kind: .basic, project: nil, amount: Money(fen: 1_234_567), governmentEconomic: nil, memo: ""))
        b.items.append(LineItem(unit: unit, function: "2200101", economic: "30217", source: .unitFunds, carryover: .carriedOver,
                                kind: .basic, project: nil, amount: Money(fen: 765), governmentEconomic: nil, memo: ""))
        let t = try Self.built(Self.oneRow.replacingOccurrences(of: "ROW", with: #"{"key": "r", "node": "department"}"#), b)
        #expect(t.amount(row: "r", column: "abroad") == Money(fen: 1_234_567))
        #expect(t.amount(row: "r", column: "reception") == Money(fen: 765))
    }

    @Test("a node column refuses a row of another node, a tree body, a text column with node, and overlapping nodes")
    func nodeColumnRefusals() throws {
        let p1 = try Self.problems(Self.oneRow.replacingOccurrences(of: "ROW", with: #"{"key": "r", "node": "function:220"}"#))
        #expect(p1.contains { $0.contains("`sides[0].rows.rows[0].node`") && $0.contains("行的 node 只能是 department") }, "\(p1)")
        let p2 = try Self.problems(Self.oneRow.replacingOccurrences(of: #"{"source": "fixed", "rows": [ROW]}"#, with: #"{"source": "function-tree"}"#))
        #expect(p2.contains { $0.contains("`sides[0].rows`") && $0.contains("只能是 fixed 行") }, "\(p2)")
        let p3 = try Self.problems(Self.oneRow.replacingOccurrences(of: #"{"key": "abroad", "measure": "all", "node": "economic:30212"}"#,
                                                                     with: #"{"key": "abroad", "node": "economic:30212"}"#)
            .replacingOccurrences(of: "ROW", with: #"{"key": "r", "node": "department"}"#))
        #expect(p3.contains { $0.contains("`sides[0].columns[0].node`") && $0.contains("只有金额列") }, "\(p3)")
        let p4 = try Self.problems(Self.oneRow.replacingOccurrences(of: #"["economic:30217"]"#, with: #"["economic:302", "economic:30217"]"#)
            .replacingOccurrences(of: "ROW", with: #"{"key": "r", "node": "department"}"#))
        #expect(p4.contains { $0.contains("`sides[0].columns[1].node`") && $0.contains("重叠") }, "\(p4)")
        let p5 = try Self.problems(Self.oneRow.replacingOccurrences(of: "ROW", with: #"{"key": "r", "node": "economic:3O212"}"#))
        #expect(p5.contains { $0.contains("未知的节点 `economic:3O212`") && $0.contains("units:organ") }, "\(p5)")
    }

    static let tree = #"""
    {"key": "E", "label": "e", "title": "e", "sheet": "e", "filter": "current", "header": [["编码", "名称", "合计"]],
     "sides": [{"columns": [
        {"key": "code", "kind": "code", "field": "code"}, {"key": "name", "field": "name"}, {"key": "total", "measure": "all"}],
       "rows": SOURCE}]}
    """#

    @Test("economic-tree prints 合计, then each 类 followed by its 款, each with a figure, names from the code book")
    func economicTree() throws {
        let b = try Fixtures.demoBudget()
        let t = try Self.built(Self.tree.replacingOccurrences(of: "SOURCE", with: #"{"source": "economic-tree", "total": {"name": "合计"}}"#), b)
        let keys = t.rows.flatMap(\.keys)
        #expect(keys.first == "合计")
        #expect(keys.dropFirst().prefix(3) == ["economic:301", "economic:30101", "economic:30102"])
        #expect(t.rows[1].cells == [.text("301"), .text("工资福利支出"), .amount(Money(fen: b.items.filter {
            $0.carryover == .currentYear && $0.economic.hasPrefix("301") }.reduce(0) { $0 + $1.amount.fen }))])
        #expect(t.rows.allSatisfy { $0.cells.contains { ($0.money ?? .zero) != .zero } })
        let classesOnly = try Self.built(Self.tree.replacingOccurrences(of: "SOURCE", with: #"{"source": "economic-tree", "levels": [3]}"#), b)
        #expect(classesOnly.rows.flatMap(\.keys).allSatisfy { $0 == "合计" || $0.count == "economic:301".count })
    }

    @Test("a function tree of chosen levels, numbered classes, and rows as a sequence of sources")
    func levelsNumberingSequence() throws {
        let b = try Fixtures.demoBudget()
        let t = try Self.built(Self.tree.replacingOccurrences(of: "SOURCE", with: #"""
            [{"source": "fixed", "rows": [{"key": "头", "text": {"name": "一、本年支出"}, "node": "department", "style": "total"}]},
             {"source": "function-classes", "classes": ["220", "221"], "numbering": "（{n}）"},
             {"source": "function-tree", "levels": [3, 5]}]
            """#), b)
        #expect(t.rows[0].keys == ["头"] && t.rows[0].style == .total)
        #expect(t.rows[1].cells[1] == .text("（一）自然资源海洋气象等支出"))
        #expect(t.rows[2].cells[1] == .text("（二）住房保障支出"))
        let tree = t.rows.dropFirst(3).flatMap(\.keys)
        #expect(tree.first == "合计" && tree.contains("function:22001") && !tree.contains { $0.count == "function:2200101".count })
        let bad = try Self.problems(Self.tree.replacingOccurrences(of: "SOURCE", with: #"{"source": "function-tree", "levels": [3, 4]}"#))
        #expect(bad.contains { $0.contains("`sides[0].rows.levels`") && $0.contains("3、5、7") }, "\(bad)")
        let numbering = try Self.problems(Self.tree.replacingOccurrences(of: "SOURCE", with: #"{"source": "function-classes", "classes": ["201"], "numbering": "第"}"#))
        #expect(numbering.contains { $0.contains("{n}") })
    }

    @Test("a measure written with both the old and the new key is refused; either alone is read the same")
    func measureKeys() throws {
        let m1 = try TemplateSetTests.writeSet(["set.json": #"{"tables": ["t.json"], "measures": {"a": {"source": ["单位资金"]}, "b": {"sources": "单位资金"}, "carryover": {"carryover": ["上年结转"]}}}"#,
                                                 "t.json": TemplateSetTests.tableA.replacingOccurrences(of: "\"fiscal\"", with: "\"a\"").replacingOccurrences(of: "\"other\"", with: "\"b\"")])
        defer { try? FileManager.default.removeItem(at: m1) }
        let set = try TableTemplateSet.load(m1)
        #expect(set.measures["a"] == set.measures["b"] && set.measures["a"] == Measure(sources: [.unitFunds]))
        let both = try Self.problems(Self.tree.replacingOccurrences(of: "SOURCE", with: #"{"source": "function-tree"}"#))
        #expect(both.isEmpty)
        let dir = try TemplateSetTests.writeSet(["set.json": #"{"tables": ["t.json"], "measures": {"a": {"source": ["单位资金"], "sources": ["单位资金"]}}}"#,
                                                  "t.json": Self.tree])
        defer { try? FileManager.default.removeItem(at: dir) }
        do { _ = try TableTemplateSet.load(dir); Issue.record("accepted a measure with both keys") } catch {
            #expect(error.problems.contains { $0.file.hasSuffix("set.json") && $0.message.contains("`measures.a.source`") && $0.message.contains("同一个字段") })
        }
    }
}

/// Choosing a set by name: installed sets are listed, a folder path still works.
@Suite("Table set catalog")
struct TableSetCatalogTests {
    let catalog = TableSetCatalog(folder: Fixtures.root.appendingPathComponent("Templates/tables"))

    @Test("the installed sets are found by the id in their set.json")
    func installed() throws {
        #expect(catalog.installed().map(\.id) == ["mof-9", "shanxi-2025"])
        #expect(try catalog.locate("mof-9").lastPathComponent == "mof-9")
        #expect(try catalog.load("shanxi-2025").tables.count == 13)
        #expect(TableSetCatalog.defaultName == DisclosureExport.defaultTemplateSet)
    }

    @Test("a folder path still works, and an unknown name lists the sets installed")
    func pathsAndUnknownNames() throws {
        #expect(try catalog.locate(MinistrySetTests.mof.path) == MinistrySetTests.mof)
        do {
            _ = try catalog.locate("mof-13")
            Issue.record("an unknown set was accepted")
        } catch {
            #expect(error.description.hasPrefix("没有名为 `mof-13` 的公开表模板集"))
            #expect(error.description.contains("mof-9（财政部部门预算公开表（九张表））"))
            #expect(error.description.contains("shanxi-2025"))
        }
    }

    @Test("a set's id must be a plain name")
    func badID() throws {
        let dir = try TemplateSetTests.mini(replacing: ["set.json": TemplateSetTests.miniSet.replacingOccurrences(of: #"{"name": "测试用三表""#, with: #"{"id": "a/b", "title": "测试用三表""#)])
        defer { try? FileManager.default.removeItem(at: dir) }
        do { _ = try TableTemplateSet.load(dir); Issue.record("accepted id a/b") } catch {
            #expect(error.problems.contains { $0.message.contains("`id`") && $0.message.contains("a/b") })
        }
    }

    @Test("workbook.json names the workspace's set; it is read and written back")
    func workbookDefault() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var b = try Fixtures.demoBudget()
        b.tableSet = "mof-9"
        try WorkbookFolder.write(b, to: dir)
        let text = try String(contentsOf: dir.appendingPathComponent("workbook.json"), encoding: .utf8)
        #expect(text.contains("\"tables\": \"mof-9\""))
        let codes = try MinistrySetTests.codes()
        #expect(try WorkbookFolder.read(dir, defaults: codes).tableSet == "mof-9")
        try text.replacingOccurrences(of: "\"mof-9\"", with: "\"../mof-9\"").write(to: dir.appendingPathComponent("workbook.json"), atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try WorkbookFolder.read(dir, defaults: codes) }
    }
}
