import Testing
@testable import BudgetCore

@Suite("Basis: the engine's graph and edits")
struct BasisEngineTests {
    typealias F = BasisFixture

    /// Unit 001: a wage line from the roster, two insurance lines on it, a line on the insurance,
    /// a 公用经费 line and a plain line; unit 002: a 公用经费 line (its own 定额) and a plain wage line.
    static let items: [LineItem] = [
        F.line("001", "30101", basis: "工资(岗位工资, 在职) × 12"),              // 0: 142800.00
        F.line("001", "30108", basis: "经济(30101, 30102) × 养老保险单位缴费比例"), // 1: (142800 + 500.50) × 16%
        F.line("001", "30113", basis: "经济(30101) × 住房公积金比例"),           // 2: 142800 × 12%
        F.line("001", "30228", basis: "经济(30108, 30113) × 2%"),                // 3
        F.line("001", "30201", basis: "在职人数 × 公用经费定额"),                 // 4: 184000
        F.line("001", "30102", fen: 50_050),                                     // 5: plain
        F.line("002", "30201", basis: "在职人数 × 公用经费定额"),                 // 6: 5 × 6000
        F.line("002", "30101", fen: 1_000_000),                                  // 7: plain
        F.line("002", "30108", basis: "经济(30101) × 养老保险单位缴费比例"),      // 8: 1600.00
        F.line("001", "30302", basis: "人数(退休) × 1200"),                      // 9: 2400.00
    ]

    func engine() throws -> BasisEngine { try F.engine(BasisEngineTests.items) }

    func fen(_ e: BasisEngine, _ id: Int64) -> Int64 { e.amount(of: id)!.fen }

    @Test("a full evaluation computes every basis, a line after what it reads")
    func full() throws {
        let e = try engine()
        #expect(fen(e, 0) == 14_280_000)
        #expect(fen(e, 1) == 2_292_808)   // 143300.50 × 16% = 22928.08
        #expect(fen(e, 2) == 1_713_600)
        #expect(fen(e, 3) == 80_128)      // (22928.08 + 17136.00) × 2% = 801.2816 → 801.28
        #expect(fen(e, 4) == 18_400_000)
        #expect(fen(e, 6) == 3_000_000)
        #expect(fen(e, 8) == 160_000)
        #expect(fen(e, 9) == 240_000)
        #expect(e.basisLineCount == 8)
    }

    @Test("the full evaluation of a built engine changes nothing, and repairs a wrong kept amount")
    func recalculate() throws {
        var e = try engine()
        let before = e.amounts
        #expect(e.recalculate().differences.isEmpty)
        #expect(e.amounts == before)
        // A kept amount gone wrong (as a verification would find it): put back, with its readers.
        e.amount[Int(e.rows[0]!)] = 1
        let r = e.recalculate()
        #expect(r.differences == [AmountChange(id: 0, old: Money(fen: 1), new: Money(fen: 14_280_000))])
        #expect(e.amounts == before)
    }

    @Test("a parameter edit recomputes exactly its unit's lines that read it")
    func parameter() throws {
        var e = try engine()
        let u = try e.apply(.setParameter(Parameter(unit: "001", name: "在职人数", value: F.number(24))))
        #expect(u.edited == nil)
        #expect(u.moved == [AmountChange(id: 4, old: Money(fen: 18_400_000), new: Money(fen: 19_200_000))])
        #expect(u.evaluated == 1)
        // The same value again moves nothing and evaluates nothing.
        let again = try e.apply(.setParameter(Parameter(unit: "001", name: "在职人数", value: F.number(24), memo: "核定")))
        #expect(again.moved.isEmpty && again.evaluated == 0)
        #expect(e.parameters.first { $0.unit == "001" && $0.name == "在职人数" }?.memo == "核定")
    }

    @Test("a standard edit reaches every unit, except where a parameter overrides it")
    func standard() throws {
        var e = try engine()
        let u = try e.apply(.setStandard(Standard(name: "公用经费定额", value: F.number(9000))))
        #expect(u.moved.map(\.id) == [4])
        #expect(fen(e, 4) == 20_700_000 && fen(e, 6) == 3_000_000)
        let rate = try e.apply(.setStandard(Standard(name: "养老保险单位缴费比例", value: F.percent(15))))
        // 1 and 8 first (level 2), then 3, which reads 1 (level 3).
        #expect(rate.moved.map(\.id).sorted() == [1, 3, 8])
        #expect(rate.moved.last?.id == 3)
        #expect(e.linesUsing(standard: "养老保险单位缴费比例") == [1, 8])
        #expect(e.linesUsing(standard: "取暖费标准") == [])
    }

    @Test("a roster edit moves the sums it changes, and only their readers")
    func roster() throws {
        var e = try engine()
        var row = F.staff[0]
        row.amounts["岗位工资"] = Money(fen: 360_000)
        let u = try e.apply(.setStaffRow(id: 0, row))
        #expect(u.moved.map(\.id) == [0, 1, 2, 3] || u.moved.map(\.id) == [0, 2, 1, 3])
        #expect(fen(e, 0) == 14_400_000)
        #expect(u.evaluated == 4)        // 人数(退休) (line 9) is not read again
        row.category = "退休"
        let moved = try e.apply(.setStaffRow(id: 0, row))
        #expect(fen(e, 9) == 360_000)    // three 退休 now
        #expect(moved.moved.contains { $0.id == 9 })
        // A new row of unit 002 with a new field: nobody reads it.
        let other = try e.apply(.setStaffRow(id: 99, StaffRow(unit: "002", name: "戊", category: "在职", amounts: ["奖励": Money(fen: 1)])))
        #expect(other.moved.isEmpty && other.evaluated == 0)
    }

    @Test("a line's amount, economic code, source or unit moves the 经济() sums that include it")
    func lineEdits() throws {
        var e = try engine()
        var plain = BasisEngineTests.items[5]
        plain.amount = Money(fen: 60_050)
        var u = try e.apply(.setLine(id: 5, plain))
        #expect(u.edited == LineAmount(id: 5, amount: Money(fen: 60_050)))
        #expect(u.moved.map(\.id) == [1, 3])
        plain.economic = "30103"          // out of 经济(30101, 30102)
        u = try e.apply(.setLine(id: 5, plain))
        #expect(fen(e, 1) == 2_284_800)   // 142800 × 16%
        plain.economic = "30102"; plain.source = .unitFunds
        u = try e.apply(.setLine(id: 5, plain))
        #expect(u.moved.isEmpty)
        plain.source = .generalPublic; plain.unit = "002"
        u = try e.apply(.setLine(id: 5, plain))
        #expect(u.moved.isEmpty)          // 002's 30108 reads only 30101
        plain.economic = "30101"
        u = try e.apply(.setLine(id: 5, plain))
        #expect(u.moved == [AmountChange(id: 8, old: Money(fen: 160_000), new: Money(fen: 169_608))])
        // A plain line gains a basis; the edited line's amount is the computed one.
        var wage = BasisEngineTests.items[7]
        wage.basis = "工资(岗位工资) × 12"
        wage.amount = Money(fen: 1)
        u = try e.apply(.setLine(id: 7, wage))
        #expect(u.edited == LineAmount(id: 7, amount: Money(fen: 3_600_000)))
        #expect(u.moved.map(\.id) == [8])
        // Removing a line moves its readers; a new line is computed at once.
        u = try e.apply(.removeLine(id: 7))
        #expect(u.edited == nil && fen(e, 8) == 9_608)
        #expect(e.amount(of: 7) == nil)
        u = try e.apply(.setLine(id: 100, F.line("002", "30101", basis: "1000")))
        #expect(u.edited == LineAmount(id: 100, amount: Money(fen: 100_000)))
        #expect(fen(e, 8) == 25_608)
    }

    @Test("an edit that would make a cycle is refused and changes nothing")
    func cycleRefused() throws {
        var e = try engine()
        let before = e.amounts
        var wage = BasisEngineTests.items[0]
        wage.basis = "经济(30228) × 10"   // 30228 reads 30108, which reads 30101: a cycle of three
        #expect(throws: ProblemsError.self) { try e.apply(.setLine(id: 0, wage)) }
        do { _ = try e.apply(.setLine(id: 0, wage)) } catch {
            #expect(error.problems.count == 1)
            #expect(error.problems[0].rule.rawValue == "basis-cycle")
            #expect(error.problems[0].message.contains("明细 #0 → 明细 #3 → 明细 #1 → 明细 #0"), "\(error.problems[0].message)")
        }
        #expect(e.amounts == before)
        #expect(e.basis(of: 0) == "工资(岗位工资, 在职) × 12")
        // A basis line moved into a group it reads: a cycle of one.
        var insurance = BasisEngineTests.items[1]
        insurance.economic = "30102"
        #expect(throws: ProblemsError.self) { try e.apply(.setLine(id: 1, insurance)) }
        #expect(e.amounts == before)
        // A new line that reads itself is refused and leaves no trace.
        #expect(throws: ProblemsError.self) { try e.apply(.setLine(id: 50, F.line("001", "30201", basis: "经济(302)"))) }
        #expect(e.amount(of: 50) == nil && e.lineCount == BasisEngineTests.items.count)
        // The engine still works after the refusals.
        let u = try e.apply(.setParameter(Parameter(unit: "001", name: "在职人数", value: F.number(1))))
        #expect(u.moved.map(\.id) == [4])
    }

    @Test("an edit that leaves a dependent line with a problem is refused and changes nothing")
    func problemRefused() throws {
        var e = try F.engine(BasisEngineTests.items + [F.line("001", "30299", basis: "经济(30201) / 在职人数"),
                                                       F.line("001", "31002", basis: "经济(30102) - 500"),
                                                       F.line("001", "30299", basis: "工资(退休费)")])
        let before = e.amounts
        func refused(_ edit: BasisEdit, _ rule: String, line: Int64) {
            do {
                _ = try e.apply(edit)
                Issue.record("accepted: \(edit)")
            } catch {
                #expect(Set(error.problems.map(\.rule.rawValue)) == [rule], "\(error)")
                #expect(error.problems.first?.location.item == line)
            }
            #expect(e.amounts == before)
        }
        refused(.setParameter(Parameter(unit: "001", name: "在职人数", value: F.number(0))), "basis-division-by-zero", line: 10)
        refused(.removeParameter(unit: "001", name: "在职人数"), "basis-unknown-name", line: 4)
        refused(.removeStandard(name: "公用经费定额"), "basis-unknown-name", line: 4)
        var plain = BasisEngineTests.items[5]
        plain.amount = Money(fen: 10_000)
        refused(.setLine(id: 5, plain), "basis-negative", line: 11)
        refused(.removeLine(id: 5), "basis-negative", line: 11)
        var row = F.staff[2]
        row.amounts = ["岗位工资": .zero]   // the only row with 退休费
        refused(.setStaffRow(id: 2, row), "basis-unknown-field", line: 12)
        refused(.removeStaffRow(id: 2), "basis-unknown-field", line: 12)
    }

    @Test("a refused line edit with a bad basis names the line and the place")
    func badBasis() throws {
        var e = try engine()
        var line = BasisEngineTests.items[4]
        line.basis = "在职人数 × "
        do { _ = try e.apply(.setLine(id: 4, line)); Issue.record("accepted") } catch {
            #expect(error.problems.map(\.rule.rawValue) == ["basis-syntax"])
            #expect(error.problems[0].location == Location(column: "basis", item: 4))
        }
        #expect(e.basis(of: 4) == "在职人数 × 公用经费定额")
    }

    @Test("a batch is all or nothing")
    func batch() throws {
        var e = try engine()
        let before = e.amounts
        let edits: [BasisEdit] = [
            .setStandard(Standard(name: "公用经费定额", value: F.number(1))),
            .setParameter(Parameter(unit: "001", name: "新参数", value: F.number(3))),
            .removeStandard(name: "养老保险单位缴费比例"),
        ]
        #expect(throws: ProblemsError.self) { try e.apply(edits) }
        #expect(e.amounts == before)
        #expect(!e.parameters.contains { $0.name == "新参数" })
        #expect(e.standards.first { $0.name == "公用经费定额" }?.value == F.number(8000))
        let ok = try e.apply(Array(edits.prefix(2)))
        #expect(ok.count == 2 && ok[0].moved.map(\.id) == [4])
    }

    @Test("stated amounts that differ from the computed ones are reported")
    func differences() throws {
        var items = BasisEngineTests.items
        items[4].amount = Money(fen: 18_400_000)   // as computed
        items[6].amount = Money(fen: 2_999_999)    // typed once, drifted
        let e = try F.engine(items)
        #expect(e.initialDifferences.contains(AmountChange(id: 6, old: Money(fen: 2_999_999), new: Money(fen: 3_000_000))))
        #expect(!e.initialDifferences.contains { $0.id == 4 })
        #expect(!e.initialDifferences.contains { $0.id == 5 }) // plain lines are never "differences"
    }

    @Test("explain: each name and function with its value and origin")
    func explain() throws {
        let e = try engine()
        let x = try #require(e.explain(1))
        #expect(x.expression == "经济(30101, 30102) × 养老保险单位缴费比例")
        #expect(x.amount == Money(fen: 2_292_808))
        #expect(x.terms.count == 2)
        #expect(x.terms[0].text == "经济(30101, 30102)")
        #expect(x.terms[0].value == (try Rational(14_330_050, 100)))
        #expect(x.terms[0].origin == .economic(codes: ["30101", "30102"], lines: 2))
        #expect(x.terms[1].origin == .standard(F.standards[0]))
        let y = try #require(e.explain(6))
        #expect(y.terms.map(\.origin) == [.parameter(F.parameters[2]), .parameter(F.parameters[3])])
        let w = try #require(e.explain(0))
        #expect(w.terms[0].origin == .wage(field: "岗位工资", category: "在职", rows: 2))
        #expect(e.explain(5) == nil)
    }

    @Test("names, values and roster rows are checked when the engine is built")
    func inputs() {
        #expect(throws: ProblemsError.self) {
            try BasisEngine(items: [], standards: [Standard(name: "人数", value: F.number(1))], codes: F.codes)
        }
        #expect(throws: ProblemsError.self) {
            try BasisEngine(items: [], standards: [Standard(name: "a", value: F.number(1)), Standard(name: "a", value: F.number(2))], codes: F.codes)
        }
        #expect(throws: ProblemsError.self) {
            try BasisEngine(items: [], staff: [StaffRow(unit: "001", name: "x", category: "在职", count: -1)], codes: F.codes)
        }
        #expect(throws: ProblemsError.self) {
            try BasisEngine(items: [], parameters: [Parameter(unit: "001", name: "面积", value: BasisNumber(try! Rational(-1)))], codes: F.codes)
        }
    }
}
