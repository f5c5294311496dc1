/// Deterministic synthetic budgets drafted from a basis (benchmarks and property tests): the
/// lines of `SyntheticBudget`, a share of them with a basis in the forms clerks write, per-unit
/// parameters, county standards and a roster. Acyclic by construction: wage lines read the
/// roster, insurance lines read the wage 款, a few lines read the insurance 款, and other lines
/// read parameters, standards, head counts, 类 other than their own, or plain numbers.
public struct SyntheticBasis: Sendable {
    public var budget: Budget
    public var parameters: [Parameter]
    public var standards: [Standard]
    public var staff: [StaffRow]
    /// The standard most lines read (`公用经费定额`), and the unit and ids of the wage fixture: one
    /// wage line (`工资(岗位工资, 在职) × 12`) whose 款 five other lines read, and its roster row.
    public static let busyStandard = "公用经费定额"
    public var wageUnit = "999900"
    public var wageLine: Int64 = -1
    public var wageDependents: [Int64] = []
    public var wageStaffRow: Int64 = -1

    static let wageCodes = ["30101", "30102", "30103", "30107"]
    static let insuranceCodes = ["30108", "30109", "30110", "30112", "30113"]

    public static func make(items count: Int, basisShare: Double = 0.3, units: Int = 8, functionLeaves: Int = 600,
                            seed: UInt64 = 2025, codes: CodeBook? = nil) -> SyntheticBasis {
        var budget = SyntheticBudget.make(items: count, units: units, functionLeaves: functionLeaves, seed: seed, codes: codes)
        var rng = SyntheticBudget.RNG(seed: seed &+ 0xBA515)
        let standards = [
            Standard(name: "养老保险单位缴费比例", value: BasisNumber(Rational(unchecked: 4, 25), percent: true), memo: "县定"),
            Standard(name: "职业年金单位缴费比例", value: BasisNumber(Rational(unchecked: 2, 25), percent: true)),
            Standard(name: "职工医疗保险单位缴费比例", value: BasisNumber(Rational(unchecked: 3, 40), percent: true)),
            Standard(name: "住房公积金比例", value: BasisNumber(Rational(unchecked: 3, 25), percent: true)),
            Standard(name: busyStandard, value: BasisNumber(Rational(unchecked: 8000, 1)), memo: "元/人·年"),
            Standard(name: "取暖费标准", value: BasisNumber(Rational(unchecked: 71, 2)), memo: "元/平方米"),
        ]
        var parameters: [Parameter] = []
        var staff: [StaffRow] = []
        let categories = ["在职", "在职", "在职", "退休", "遗属"]
        for (u, unit) in budget.units.enumerated() {
            parameters.append(Parameter(unit: unit.code, name: "在职人数", value: BasisNumber(Rational(unchecked: Int64(20 + u * 3), 1))))
            parameters.append(Parameter(unit: unit.code, name: "取暖面积", value: BasisNumber(Rational(unchecked: Int64(1200 + u * 50), 1))))
            for k in 0..<40 {
                staff.append(StaffRow(unit: unit.code, name: "人员\(u + 1)-\(k + 1)", category: categories[k % categories.count],
                                      count: Int64(1 + rng.next() % 3),
                                      amounts: ["岗位工资": Money(fen: Int64(200_000 + rng.next() % 300_000)),
                                                "薪级工资": Money(fen: Int64(100_000 + rng.next() % 200_000)),
                                                "津贴补贴": Money(fen: Int64(rng.next() % 150_000)),
                                                "绩效工资": Money(fen: Int64(rng.next() % 250_000))]))
            }
        }
        let known = Set(budget.items.map(\.economic))
        let wage = wageCodes.filter(known.contains), insurance = insuranceCodes.filter(known.contains)
        let classes = Array(Set(known.map { String($0.prefix(3)) })).sorted()
        for i in budget.items.indices where Double(rng.next() % 1_000_000) < basisShare * 1_000_000 {
            let e = budget.items[i].economic
            let basis: String
            if wage.contains(e) {
                basis = rng.next() % 2 == 0 ? "工资(岗位工资, 在职) × 12" : "=（工资(薪级工资, 在职)＋工资(津贴补贴)）×12"
            } else if insurance.contains(e), !wage.isEmpty {
                let rate = ["养老保险单位缴费比例", "职业年金单位缴费比例", "职工医疗保险单位缴费比例", "住房公积金比例"][Int(rng.next() % 4)]
                basis = "经济(\(wage.joined(separator: ", "))) × \(rate)"
            } else {
                switch rng.next() % 20 {
                case 0..<11: basis = "在职人数 × \(busyStandard)"
                case 11..<13: basis = "取暖面积 × 取暖费标准"
                case 13..<15: basis = "人数(退休) × 1200 + 人数(遗属) × 600"
                case 15..<17:
                    // Only a lower 类: the reads go down the classes, so they never close a cycle.
                    if let c = classes.last(where: { $0 < String(e.prefix(3)) }) {
                        basis = "经济(\(c)) × 1%"
                    } else {
                        basis = "\(1 + rng.next() % 40) × \(100 + rng.next() % 900).5"
                    }
                case 17 where !insurance.isEmpty && !e.hasPrefix("301"):
                    basis = "经济(\(insurance.joined(separator: ", "))) × 2%"
                default: basis = "\(1 + rng.next() % 40) × \(100 + rng.next() % 900).5"
                }
            }
            budget.items[i].basis = basis
        }
        var s = SyntheticBasis(budget: budget, parameters: parameters, standards: standards, staff: staff)
        s.addWageFixture()
        return s
    }

    /// The wage fixture: a unit with one wage line and five lines reading its 款.
    private mutating func addWageFixture() {
        guard let template = budget.items.first, budget.codes.contains(.economic, "30101") else { return }
        let others = budget.codes.codes(.economic).map(\.code).filter { $0.count == 5 && $0 != "30101" && !$0.hasPrefix("301") }
        let dependents = (SyntheticBasis.insuranceCodes.filter { budget.codes.contains(.economic, $0) } + others).prefix(5)
        guard dependents.count == 5 else { return }
        budget.units.append(BudgetUnit(code: wageUnit, name: "工资测试单位", type: .administrative))
        staff.append(StaffRow(unit: wageUnit, name: "张三", category: "在职", count: 1, amounts: ["岗位工资": Money(fen: 500_000)]))
        wageStaffRow = Int64(staff.count - 1)
        func line(_ economic: String, _ basis: String) -> LineItem {
            LineItem(unit: wageUnit, function: template.function, economic: economic, amount: .zero, basis: basis)
        }
        wageLine = Int64(budget.items.count)
        budget.items.append(line("30101", "工资(岗位工资, 在职) × 12"))
        for (k, code) in dependents.enumerated() {
            wageDependents.append(Int64(budget.items.count))
            budget.items.append(line(code, "经济(30101) × \(["16", "8", "7.5", "12", "2"][k])%"))
        }
    }
}
