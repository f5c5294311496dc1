import BudgetCore
import BudgetWorkbook
import Foundation
import GRDB
import Testing
@testable import BudgetStore

/// A budget drafted from a basis: line ids in the workspace are 1…5 in this order.
func basisBudget() throws -> Budget {
    let codes = try CodeLists.loadDefaults(codesFolder: projectRoot.appendingPathComponent("Templates/codes"))
    var b = Budget(department: "测试局", departmentCode: "900", year: 2026,
                   units: [BudgetUnit(code: "900001", name: "测试局", type: .administrative),
                           BudgetUnit(code: "900002", name: "测试中心", type: .institution)],
                   projects: [Project(code: "P01", unit: "900001", name: "设备购置", category: .none)], codes: codes)
    func line(_ unit: String, _ economic: String, _ basis: String?, amount: Int64 = 0, project: String? = nil) -> LineItem {
        LineItem(unit: unit, function: "2010101", economic: economic, kind: project == nil ? .basic : .project, project: project,
                 amount: Money(fen: amount), basis: basis)
    }
    b.items = [
        line("900001", "30101", "工资(基本工资) × 12"),
        line("900001", "30108", "经济(30101) × 养老保险单位缴费比例"),
        line("900001", "30201", "公用经费定额 × 人数(在职)"),
        line("900001", "31002", "3 × 单价", project: "P01"),
        line("900002", "30101", nil, amount: 500_000),
    ]
    b.parameters = [Parameter(unit: "900001", name: "单价", value: try BasisNumber.parse("4500.5"), memo: "元/台")]
    b.standards = [Standard(name: "养老保险单位缴费比例", value: try BasisNumber.parse("16%")),
                   Standard(name: "公用经费定额", value: try BasisNumber.parse("8000"))]
    b.staff = [StaffRow(unit: "900001", name: "科员", category: "在职", count: 3, amounts: ["基本工资": Money(fen: 300_000)]),
               StaffRow(unit: "900001", name: "张三", category: "退休", count: 1, amounts: ["基本工资": Money(fen: 250_050)])]
    return b
}

@Suite("Workspace: the basis of calculation")
struct BasisWorkspaceTests {
    func amounts(_ ws: Workspace) throws -> [String] { try ws.items().map(\.item.amount.yuanText) }

    func changeLogCount(_ path: String) throws -> Int {
        try DatabaseQueue(path: path).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM change_log") ?? 0 }
    }

    @Test("a workspace stores the computed amounts, and gives the bases, parameters, standards and roster back")
    func create() throws {
        let path = temporaryPath()
        var given = try basisBudget()
        let ws = try Workspace.create(at: path, budget: given)
        #expect(try amounts(ws) == ["138006.00", "22080.96", "24000.00", "13501.50", "5000.00"])
        try given.computeBasisAmounts()
        given.standards.sort { $0.name < $1.name }
        #expect(try ws.budget() == given)
        #expect(try ws.staff(unit: "900001").map(\.id) == [1, 2])
    }

    @Test("a standard changed: exactly the lines that read it move, in one logged transaction")
    func standard() throws {
        let path = temporaryPath()
        let ws = try Workspace.create(at: path, budget: try basisBudget())
        let out = try ws.setStandard(Standard(name: "养老保险单位缴费比例", value: try BasisNumber.parse("20%")), author: "张会计")
        #expect(out.moved == [AmountChange(id: 2, old: Money(fen: 2_208_096), new: Money(fen: 2_760_120))])
        #expect(try amounts(ws) == ["138006.00", "27601.20", "24000.00", "13501.50", "5000.00"])
        let h = try ws.history(of: 2)
        #expect(h.map(\.action) == ["set"] && h[0].author == "张会计" && h[0].after?.amount == Money(fen: 2_760_120))
        #expect(try ws.item(2)?.version == 2)
        let log = try ws.basisHistory()
        #expect(log.map { "\($0.target) \($0.action) \($0.key) \($0.author)" } == ["standard set 养老保险单位缴费比例 张会计"])
        #expect(log[0].after == "{\"memo\":\"\",\"name\":\"养老保险单位缴费比例\",\"value\":\"20%\"}")
        #expect(try ws.standards().first { $0.name == "养老保险单位缴费比例" }?.value.text == "20%")
    }

    @Test("a roster import moves the wage line and the insurance read from it")
    func roster() throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try basisBudget())
        let out = try ws.importStaff([StaffRow(unit: "900001", name: "新人", category: "在职", count: 1, amounts: ["基本工资": Money(fen: 100_000)])],
                                     replace: false, author: "张会计")
        // +1000 a month × 12 = +12000; insurance 16% of it; 公用经费 8000 × 4 在职.
        #expect(out.moved.map(\.id) == [1, 3, 2] || out.moved.map(\.id) == [3, 1, 2])
        #expect(try amounts(ws) == ["150006.00", "24000.96", "32000.00", "13501.50", "5000.00"])
        let replaced = try ws.importStaff([StaffRow(unit: "900001", name: "科员", category: "在职", count: 1, amounts: ["基本工资": Money(fen: 300_000)])],
                                          replace: true, author: "张会计")
        #expect(replaced.moved.count == 3)
        #expect(try ws.staff().count == 1)
        #expect(try amounts(ws) == ["36000.00", "5760.00", "8000.00", "13501.50", "5000.00"])
    }

    @Test("an edit that would make a cycle or a problem is refused and changes nothing")
    func refused() throws {
        let path = temporaryPath()
        let ws = try Workspace.create(at: path, budget: try basisBudget())
        let before = try ws.budget()
        let logged = try changeLogCount(path)
        var insurance = try #require(try ws.item(2)).item
        insurance.basis = "经济(301) × 16%"
        #expect(throws: WorkspaceError.self) { try ws.set(2, to: insurance, author: "张会计") }
        #expect(throws: WorkspaceError.self) { try ws.removeStandard(name: "公用经费定额", author: "张会计") }
        #expect(throws: WorkspaceError.self) { try ws.removeParameter(unit: "900001", name: "单价", author: "张会计") }
        #expect(throws: WorkspaceError.self) {
            try ws.setParameter(Parameter(unit: "999999", name: "单价", value: try BasisNumber.parse("1")), author: "x")
        }
        #expect(throws: WorkspaceError.self) {
            try ws.setParameter(Parameter(unit: "900001", name: "人数", value: try BasisNumber.parse("1")), author: "x")
        }
        // A roster replaced without 在职 rows leaves 人数(在职) at 0, which is fine; removing every
        // row of the field the wage line reads is not (工资(基本工资) would name no field).
        #expect(throws: WorkspaceError.self) {
            try ws.importStaff([StaffRow(unit: "900001", name: "科员", category: "在职", count: 1)], replace: true, author: "x")
        }
        #expect(try ws.budget() == before)
        #expect(try ws.basisHistory().isEmpty)
        #expect(try changeLogCount(path) == logged)
        do {
            try ws.set(2, to: insurance, author: "张会计")
        } catch WorkspaceError.invalid(let e) {
            #expect(e.problems.map(\.rule) == [.basisCycle])
            #expect(e.problems.first?.location.column == "basis")
        }
    }

    /// The refusal once said, line by line, that the name was unknown (未知的名称), as if the clerk had mistyped it.
    @Test("removing a standard or parameter that lines read says which lines use it and how many; nothing changes")
    func removalInUse() throws {
        let path = temporaryPath()
        var b = try basisBudget()
        // Seven lines on the standard, so the message shows the first five and the count.
        for _ in 0..<6 {
            b.items.append(LineItem(unit: "900001", function: "2010101", economic: "30201", amount: .zero, basis: "公用经费定额 × 2"))
        }
        let ws = try Workspace.create(at: path, budget: b)
        let before = try ws.budget()
        func refusal(_ body: () throws -> Void) -> [Problem] {
            do { try body() } catch WorkspaceError.invalid(let e) { return e.problems } catch { Issue.record("\(error)") }
            Issue.record("not refused")
            return []
        }
        let standard = refusal { try ws.removeStandard(name: "公用经费定额", author: "张会计") }
        #expect(standard.map(\.rule) == [.basisInUse])
        #expect(standard.first?.message == "标准「公用经费定额」仍被明细 #3、#6、#7、#8、#9 等 7 条使用，不能删除（请先修改这些明细的测算依据）")
        let parameter = refusal { try ws.removeParameter(unit: "900001", name: "单价", author: "张会计") }
        #expect(parameter.map(\.rule) == [.basisInUse])
        #expect(parameter.first?.message == "单位 `900001` 的参数「单价」仍被明细 #4 使用，不能删除（请先修改这些明细的测算依据）")
        #expect(try ws.budget() == before)
        #expect(try ws.basisHistory().isEmpty)
    }

    @Test("a unit's parameter that overrides a standard may go: its lines fall back to the standard; the standard cannot go while others read it")
    func removalWithOverride() throws {
        let path = temporaryPath()
        var b = try basisBudget()
        b.parameters.append(Parameter(unit: "900001", name: "公用经费定额", value: try BasisNumber.parse("9000")))
        b.items.append(LineItem(unit: "900002", function: "2010101", economic: "30201", amount: .zero, basis: "公用经费定额 × 2"))
        let ws = try Workspace.create(at: path, budget: b)
        // 900002's line (#6) reads the standard; 900001's line (#3) reads its own parameter.
        do {
            try ws.removeStandard(name: "公用经费定额", author: "x")
            Issue.record("not refused")
        } catch WorkspaceError.invalid(let e) {
            #expect(e.problems.first?.message.contains("仍被明细 #6 使用") == true, "\(e)")
        }
        let out = try ws.removeParameter(unit: "900001", name: "公用经费定额", author: "x")
        #expect(out.moved == [AmountChange(id: 3, old: Money(fen: 2_700_000), new: Money(fen: 2_400_000))])
    }

    @Test("a line set with a basis is computed; an amount clears the basis; a plain line read by 经济() moves its readers")
    func lines() throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try basisBudget())
        var other = try #require(try ws.item(5)).item
        other.basis = "8000 × 2"
        let s = try ws.setReporting(5, to: other, author: "张会计")
        #expect(s.saved.first?.item.amount == Money(fen: 1_600_000) && s.moved.isEmpty)
        other.basis = nil
        other.amount = Money(fen: 100)
        try ws.set(5, to: other, author: "张会计")
        #expect(try ws.item(5)?.item.basis == nil && ws.item(5)?.item.amount == Money(fen: 100))
        let added = try ws.addReporting(LineItem(unit: "900001", function: "2010101", economic: "30101", amount: Money(fen: 1_000_000)), author: "张会计")
        #expect(added.moved == [AmountChange(id: 2, old: Money(fen: 2_208_096), new: Money(fen: 2_368_096))])
        #expect(added.saved.map(\.id) == [6, 2])
        let removed = try ws.removeReporting(6, author: "张会计")
        #expect(removed.moved == [AmountChange(id: 2, old: Money(fen: 2_368_096), new: Money(fen: 2_208_096))])
        #expect(try ws.history(of: 2).map(\.action) == ["set", "set"])
    }

    @Test("a grid step without bases keeps a line's basis when only another field changed; a typed amount replaces it")
    func gridKeepsBases() throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try basisBudget())
        var line = try #require(try ws.item(3))
        line.item.basis = nil
        line.item.memo = "按在职人数"
        try ws.apply([.set(id: 3, to: line.item, expectedVersion: line.version)], author: "网页")
        #expect(try ws.item(3)?.item.basis == "公用经费定额 × 人数(在职)" && ws.item(3)?.item.memo == "按在职人数")
        line = try #require(try ws.item(3))
        line.item.basis = nil
        line.item.amount = Money(fen: 100)
        try ws.apply([.set(id: 3, to: line.item, expectedVersion: line.version)], author: "网页")
        #expect(try ws.item(3)?.item.basis == nil && ws.item(3)?.item.amount == Money(fen: 100))
    }

    @Test("explain names each term's value and origin")
    func explain() throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try basisBudget())
        let e = try #require(try ws.explain(4))
        #expect(e.amount == Money(fen: 1_350_150))
        #expect(e.terms.map(\.text) == ["单价"])
        #expect(try ws.explain(5) == nil)
    }
}

