import BudgetChecks
import BudgetCore
import Foundation
import Testing

/// The rules about bases of calculation (测算依据), each with a case that breaks it and one that
/// passes, on the sample drafted from its basis (Workbooks/shifan-agriculture-2026).
@Suite("勾稽审核：测算依据的规则")
struct BasisRuleTests {
    func sample() throws -> Budget { try Fixtures.workbook("shifan-agriculture-2026") }

    @Test("示例预算：四条规则都不报")
    func sampleIsClean() throws {
        let r = try Fixtures.check(try sample())
        for id in ["basis.empty-category", "basis.unused-standard", "basis.personnel-without-basis", "basis.roster-without-wages"] {
            #expect(r.all(id).isEmpty, "\(id): \(r.all(id).map(\.message))")
        }
        #expect(!r.hasErrors)
    }

    @Test("basis.empty-category：人数(类别)、工资(字段, 类别) 的类别在本单位没有人")
    func emptyCategory() throws {
        var b = try sample()
        let k = try #require(b.items.firstIndex { $0.unit == "121001" && $0.economic == "30305" })
        b.items[k].basis = "工资(生活补助, 遗嘱) × 12" // 遗属 misspelt
        let f = try Fixtures.check(b).all("basis.empty-category")
        #expect(f.count == 1 && f[0].severity == .warning && f[0].message.contains("`遗嘱`"))
        #expect(f[0].places.first?.contains("30305") == true)
    }

    @Test("basis.unused-standard：没有明细用到的标准；单位参数覆盖了的也算没用到")
    func unusedStandard() throws {
        var b = try sample()
        b.standards.append(Standard(name: "取暖费标准", value: try BasisNumber.parse("35.5")))
        let f = try Fixtures.check(b).all("basis.unused-standard")
        #expect(f.map(\.message) == ["有标准没有明细用到，请核对：标准 `取暖费标准`（35.5）没有明细用到"])
        // 差旅费定额 overridden by both units' parameters: no line reads the standard any more.
        b.parameters += ["121001", "121002"].map { Parameter(unit: $0, name: "差旅费定额", value: BasisNumber(.one)) }
        #expect(try Fixtures.check(b).all("basis.unused-standard").count == 2)
    }

    @Test("basis.personnel-without-basis：有测算依据的预算中，直接填写金额的人员经费（提示）")
    func personnelWithoutBasis() throws {
        var b = try sample()
        let k = try #require(b.items.firstIndex { $0.unit == "121002" && $0.economic == "30302" })
        b.items[k].basis = nil
        let f = try Fixtures.check(b).all("basis.personnel-without-basis")
        #expect(f.count == 1 && f[0].severity == .info && f[0].message.contains("30302"))
        // A budget of typed amounts (the seed) is not flagged line by line.
        #expect(try Fixtures.check(try Fixtures.demo()).all("basis.personnel-without-basis").isEmpty)
    }

    @Test("basis.roster-without-wages：人员信息有人，却没有 30101 明细")
    func rosterWithoutWages() throws {
        var b = try sample()
        b.items.removeAll { $0.unit == "121002" && $0.economic == "30101" }
        // The lines that read 30101 now read an empty group: still computable, so only the rule speaks.
        let f = try Fixtures.check(b).all("basis.roster-without-wages")
        #expect(f.count == 1 && f[0].severity == .warning && f[0].message.contains("121002") && f[0].message.contains("人员信息有 "))
    }
}
