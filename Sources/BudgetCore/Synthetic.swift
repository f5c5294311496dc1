/// A deterministic generator of realistic synthetic budgets (benchmarks and property tests):
/// several units, many projects, hundreds of function 项 over real-looking code trees.
public struct SyntheticBudget {
    /// SplitMix64: small, fast and the same on every machine.
    public struct RNG: RandomNumberGenerator {
        var state: UInt64
        public init(seed: UInt64) { state = seed }
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D4_9BB8_2331_33EB
            return z ^ (z >> 31)
        }
    }

    /// Builds a budget of `items` lines. Codes are generated (and defined in the code book) so the
    /// budget validates: `functionLeaves` 项 under 30 类, the real economic 款 of `codes` if given.
    public static func make(items count: Int, units unitCount: Int = 8, projectsPerUnit: Int = 40,
                            functionLeaves: Int = 600, seed: UInt64 = 2025, codes base: CodeBook? = nil) -> Budget {
        var rng = RNG(seed: seed)
        var codes = base ?? CodeBook()
        let classes = ["201", "204", "205", "206", "207", "208", "210", "211", "212", "213", "214", "215", "216", "220",
                       "221", "222", "224", "229"]
        var leaves: [String] = []
        for c in classes { codes.define(.function, code: c, name: "类\(c)", origin: .workbook) }
        var k = 0
        while leaves.count < functionLeaves {
            let c = classes[k % classes.count]
            let kuan = c + String(format2(1 + (k / classes.count) % 40))
            if !codes.contains(.function, kuan) { codes.define(.function, code: kuan, name: "款\(kuan)", origin: .workbook) }
            let xiang = kuan + String(format2(1 + k / (classes.count * 40)))
            if !codes.contains(.function, xiang) {
                codes.define(.function, code: xiang, name: "项\(xiang)", origin: .workbook)
                leaves.append(xiang)
            }
            k += 1
        }
        var economic = codes.codes(.economic).map(\.code).filter { $0.count == 5 && codes.economicMap[$0] != nil }
        if economic.isEmpty {
            for (i, e) in ["30101", "30102", "30108", "30113", "30201", "30211", "30227", "30299", "30302", "31002"].enumerated() {
                codes.define(.economic, code: String(e.prefix(3)), name: "类\(e.prefix(3))", origin: .workbook)
                codes.define(.economic, code: e, name: "款\(e)", origin: .workbook)
                let g = i < 4 ? "50101" : "50201"
                codes.define(.governmentEconomic, code: String(g.prefix(3)), name: "类", origin: .workbook)
                codes.define(.governmentEconomic, code: g, name: "款\(g)", origin: .workbook)
                codes.map(economic: e, to: EconomicMapping(administrative: g, institution: "50501"), origin: .workbook)
            }
            codes.define(.governmentEconomic, code: "50501", name: "工资福利支出", origin: .workbook)
            economic = codes.codes(.economic).map(\.code).filter { $0.count == 5 }
        }
        var b = Budget(department: "合成部门", departmentCode: "999", year: 2025, codes: codes)
        let types: [UnitType] = [.administrative, .civilServiceManaged, .institution]
        for u in 0..<unitCount {
            let code = "999" + format3(u + 1)
            b.units.append(BudgetUnit(code: code, name: "合成单位\(u + 1)", type: types[u % 3]))
            for p in 0..<projectsPerUnit {
                b.projects.append(Project(code: "P" + format3(p + 1), unit: code, name: "项目\(u + 1)-\(p + 1)",
                                          category: p % 2 == 0 ? .operating : .specificGoal))
            }
        }
        // Memos as clerks write them, on three lines in five (one needs CSV quoting): with them a
        // 10^6-line items.csv is about the 90 MB the benchmark target speaks of.
        let memos = ["按定额标准据实列支", "含2025年调标增资", "按上年执行数测算", "据实列支, 按季拨付", "人员增减已按编制核定"]
        b.items.reserveCapacity(count)
        for _ in 0..<count {
            let unit = b.units[Int(rng.next() % UInt64(unitCount))].code
            let isProject = rng.next() % 3 == 0
            let source = Source(rawValue: Int(rng.next() % 10) < 6 ? 0 : Int(rng.next() % 5)) ?? .generalPublic
            b.items.append(LineItem(
                unit: unit, function: leaves[Int(rng.next() % UInt64(leaves.count))],
                economic: economic[Int(rng.next() % UInt64(economic.count))], source: source,
                carryover: rng.next() % 8 == 0 ? .carriedOver : .currentYear,
                kind: isProject ? .project : .basic,
                project: isProject ? "P" + format3(Int(rng.next() % UInt64(projectsPerUnit)) + 1) : nil,
                amount: Money(fen: Int64(rng.next() % 100_000_000)), governmentEconomic: nil,
                memo: rng.next() % 5 < 3 ? memos[Int(rng.next() % UInt64(memos.count))] : ""))
        }
        return b
    }

    static func format2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n % 100)" }
    static func format3(_ n: Int) -> String { n < 10 ? "00\(n)" : n < 100 ? "0\(n)" : "\(n % 1000)" }
}
