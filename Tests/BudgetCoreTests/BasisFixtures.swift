@testable import BudgetCore

/// A small county department to evaluate bases in: two units, a roster, parameters and standards.
enum BasisFixture {
    static let codes: CodeBook = {
        var c = CodeBook()
        for code in ["301", "30101", "30102", "30103", "30107", "30108", "30109", "30110", "30112", "30113",
                     "302", "30201", "30211", "30228", "30299", "303", "30302", "310", "31002"] {
            c.define(.economic, code: code, name: code, origin: .defaults)
        }
        return c
    }()

    static func percent(_ n: Int64) -> BasisNumber { BasisNumber(try! Rational(n, 100), percent: true) }
    static func number(_ n: Int64, _ d: Int64 = 1) -> BasisNumber { BasisNumber(try! Rational(n, d)) }

    static let parameters = [
        Parameter(unit: "001", name: "在职人数", value: number(23)),
        Parameter(unit: "001", name: "取暖面积", value: number(1200)),
        Parameter(unit: "002", name: "在职人数", value: number(5)),
        // A unit's parameter overrides the standard of the same name.
        Parameter(unit: "002", name: "公用经费定额", value: number(6000)),
    ]
    static let standards = [
        Standard(name: "养老保险单位缴费比例", value: percent(16)),
        Standard(name: "住房公积金比例", value: percent(12)),
        Standard(name: "公用经费定额", value: number(8000)),
        Standard(name: "零", value: number(0)),
    ]
    static let staff = [
        StaffRow(unit: "001", name: "甲", category: "在职", count: 1, amounts: ["岗位工资": Money(fen: 350_000), "薪级工资": Money(fen: 120_000)]),
        StaffRow(unit: "001", name: "乙组", category: "在职", count: 3, amounts: ["岗位工资": Money(fen: 280_000), "薪级工资": Money(fen: 90_000)]),
        StaffRow(unit: "001", name: "丙", category: "退休", count: 2, amounts: ["岗位工资": Money(fen: 0), "退休费": Money(fen: 410_050)]),
        StaffRow(unit: "002", name: "丁", category: "在职", amounts: ["岗位工资": Money(fen: 300_000)]),
    ]

    static func line(_ unit: String = "001", _ economic: String = "30201", basis: String? = nil, fen: Int64 = 0,
                     source: Source = .generalPublic, carryover: Carryover = .currentYear,
                     kind: ExpenditureKind = .basic) -> LineItem {
        LineItem(unit: unit, function: "2010101", economic: economic, source: source, carryover: carryover, kind: kind,
                 project: kind == .project ? "P001" : nil, amount: Money(fen: fen), basis: basis)
    }

    static func engine(_ items: [LineItem]) throws(ProblemsError) -> BasisEngine {
        try BasisEngine(items: items, parameters: parameters, standards: standards, staff: staff, codes: codes)
    }

    /// The amount of one line of unit 001 (30201, basic, 一般公共预算, 当年) with this basis,
    /// beside plain lines 30101 (1,000.00) and 30102 (500.50) of the same unit.
    static func amount(_ basis: String, unit: String = "001") -> Money? {
        let items = [line("001", "30101", fen: 100_000), line("001", "30102", fen: 50_050), line(unit, "30201", basis: basis)]
        return (try? engine(items))?.amount(of: 2)
    }

    /// The one problem the basis has, in the same setting.
    static func problem(_ basis: String) -> Problem? {
        let items = [line("001", "30101", fen: 100_000), line("001", "30102", fen: 50_050), line("001", "30201", basis: basis)]
        do { _ = try engine(items); return nil } catch { return error.problems.first }
    }
}
