import Testing
@testable import BudgetCore

/// Property tests: after random sequences of edits of every kind, the incremental state equals a
/// from-scratch evaluation; an edit is refused exactly when a from-scratch evaluation of the
/// edited inputs has a problem, and then changes nothing; the differences an edit hands out,
/// applied to the roll-up, keep every total equal to the sum of its parts.
@Suite("Basis: incremental equals from scratch")
struct BasisPropertyTests {
    /// The inputs, as a caller keeps them.
    struct Model {
        var lines: [Int64: LineItem] = [:]
        var parameters: [String: Parameter] = [:]
        var standards: [String: Standard] = [:]
        var staff: [Int64: StaffRow] = [:]

        func scratch(_ codes: CodeBook) throws(ProblemsError) -> BasisEngine {
            let l = lines.sorted { $0.key < $1.key }, st = staff.sorted { $0.key < $1.key }
            return try BasisEngine(items: l.map(\.value), ids: l.map(\.key),
                                   parameters: parameters.values.sorted { ($0.unit, $0.name) < ($1.unit, $1.name) },
                                   standards: standards.values.sorted { $0.name < $1.name },
                                   staff: st.map(\.value), staffIDs: st.map(\.key), codes: codes)
        }

        mutating func apply(_ edit: BasisEdit) {
            switch edit {
            case .setLine(let id, let item): lines[id] = item
            case .removeLine(let id): lines[id] = nil
            case .setParameter(let p): parameters[p.unit + "/" + p.name] = p
            case .removeParameter(let u, let n): parameters[u + "/" + n] = nil
            case .setStandard(let s): standards[s.name] = s
            case .removeStandard(let n): standards[n] = nil
            case .setStaffRow(let id, let r): staff[id] = r
            case .removeStaffRow(let id): staff[id] = nil
            }
        }
    }

    static let bases = [
        "在职人数 × 公用经费定额", "经济(30101, 30102) × 养老保险单位缴费比例", "经济(301) × 1%", "经济(30108) × 10%",
        "工资(岗位工资, 在职) × 12", "（工资(薪级工资, 在职)＋工资(津贴补贴)）×12", "人数(退休) × 1200 + 人数(遗属) × 600",
        "取暖面积 × 取暖费标准", "12 × 350.5", "经济(30101) - 100", "100000 / 在职人数", "经济(30201) / 人数(在职)",
        "经济(302, 303) × 3%", "经济(310) / 3", "工资(绩效工资) × 12 × 1/3", "未定义的名称 × 2", "1 +", "经济(30113) × 2%",
        "取暖面积 × 0.5 − 经济(30299)",
    ]

    @Test("random edits of every kind", arguments: [UInt64(1), 2, 3])
    func randomEdits(seed: UInt64) throws {
        let input = SyntheticBasis.make(items: 240, basisShare: 0.4, units: 3, functionLeaves: 24, seed: seed)
        let codes = input.budget.codes
        var model = Model()
        for (i, item) in input.budget.items.enumerated() { model.lines[Int64(i)] = item }
        for p in input.parameters { model.parameters[p.unit + "/" + p.name] = p }
        for s in input.standards { model.standards[s.name] = s }
        for (i, r) in input.staff.enumerated() { model.staff[Int64(i)] = r }
        var engine = try model.scratch(codes)
        // What the caller knows from the updates alone: every line's amount, and the roll-up.
        var known: [Int64: Int64] = Dictionary(uniqueKeysWithValues: engine.amounts.map { ($0.id, $0.amount.fen) })
        var items = model.lines.mapValues { $0 }
        for (id, fen) in known { items[id]?.amount = Money(fen: fen) }
        var rollup = Rollup(codes: codes, units: input.budget.units)
        for (id, item) in items { rollup.insert(item, id: id) }

        var rng = SyntheticBudget.RNG(seed: seed &* 7919)
        func pick<T>(_ a: [T]) -> T { a[Int(rng.next() % UInt64(a.count))] }
        let units = input.budget.units.map(\.code)
        let economics = codes.codes(.economic).map(\.code).filter { $0.count == 5 }
        var nextLine = Int64(input.budget.items.count), nextStaff = Int64(input.staff.count)
        var accepted = 0, refused = 0, kinds: Set<Int> = []

        for step in 0..<2_000 {
            let kind = Int(rng.next() % 12)
            var edit: BasisEdit
            let lineIDs = model.lines.keys.sorted()
            switch kind {
            case 0, 1, 2: // a line: its amount, basis, economic code, source, carryover, kind or unit
                let id = pick(lineIDs)
                var item = model.lines[id]!
                switch rng.next() % 7 {
                case 0: item.basis = nil; item.amount = Money(fen: Int64(rng.next() % 10_000_000))
                case 1: item.basis = pick(BasisPropertyTests.bases)
                case 2: item.economic = pick(economics)
                case 3: item.source = pick(Source.allCases)
                case 4: item.carryover = pick(Carryover.allCases)
                case 5: item.kind = pick(ExpenditureKind.allCases); item.project = item.kind == .project ? "P001" : nil
                default: item.unit = pick(units)
                }
                edit = .setLine(id: id, item)
            case 3: // a new line
                var item = model.lines[pick(lineIDs)]!
                item.economic = pick(economics)
                item.basis = rng.next() % 2 == 0 ? pick(BasisPropertyTests.bases) : nil
                item.amount = Money(fen: Int64(rng.next() % 1_000_000))
                edit = .setLine(id: nextLine, item)
                nextLine += 1
            case 4:
                edit = .removeLine(id: pick(lineIDs))
            case 5:
                let name = pick(["在职人数", "取暖面积", "新参数"])
                edit = .setParameter(Parameter(unit: pick(units), name: name, value: BasisNumber(try Rational(Int64(rng.next() % 40)))))
            case 6:
                let p = pick(Array(model.parameters.values).sorted { ($0.unit, $0.name) < ($1.unit, $1.name) } + [Parameter(unit: "x", name: "y", value: BasisNumber(.zero))])
                edit = .removeParameter(unit: p.unit, name: p.name)
            case 7:
                let name = pick(input.standards.map(\.name) + ["在职人数"])
                edit = .setStandard(Standard(name: name, value: BasisNumber(try Rational(Int64(rng.next() % 3000), 100), percent: rng.next() % 2 == 0)))
            case 8:
                edit = .removeStandard(name: pick(input.standards.map(\.name)))
            case 9, 10: // a roster row: its count, category, amounts or unit; or a new row
                let ids = model.staff.keys.sorted()
                var id = ids.isEmpty ? nextStaff : pick(ids)
                var row = model.staff[id] ?? StaffRow(unit: pick(units), name: "新", category: "在职")
                switch rng.next() % 5 {
                case 0: row.count = Int64(rng.next() % 4)
                case 1: row.category = pick(["在职", "退休", "遗属"])
                case 2: row.amounts[pick(["岗位工资", "薪级工资", "津贴补贴", "绩效工资"])] = Money(fen: Int64(rng.next() % 500_000))
                case 3: row.unit = pick(units)
                default: id = nextStaff; nextStaff += 1; row.amounts = ["绩效工资": Money(fen: Int64(rng.next() % 100_000))]
                }
                edit = .setStaffRow(id: id, row)
            default:
                let ids = model.staff.keys.sorted()
                edit = .removeStaffRow(id: ids.isEmpty ? 0 : pick(ids))
            }
            kinds.insert(kind)

            var edited = model
            edited.apply(edit)
            let before = engine // copy on write: only the arrays the edit touches are copied
            do {
                let u = try engine.apply(edit)
                accepted += 1
                model = edited
                // The differences are exact: each moved line once, from what the caller knew.
                #expect(Set(u.moved.map(\.id)).count == u.moved.count)
                for c in u.moved {
                    #expect(known[c.id] == c.old.fen && c.old != c.new, "step \(step): \(c)")
                    known[c.id] = c.new.fen
                    items[c.id]?.amount = c.new
                    rollup.update(id: c.id, to: items[c.id]!)
                }
                switch edit {
                case .setLine(let id, var item):
                    let e = try #require(u.edited)
                    #expect(e.id == id)
                    item.amount = e.amount
                    known[id] = e.amount.fen; items[id] = item
                    rollup.update(id: id, to: item)
                case .removeLine(let id):
                    if known[id] != nil { known[id] = nil; items[id] = nil; rollup.remove(id: id) }
                default:
                    #expect(u.edited == nil)
                }
            } catch {
                refused += 1
                #expect(engine.amounts == before.amounts, "step \(step): a refused edit changed amounts")
                // Refused exactly when a from-scratch evaluation of the edited inputs has a problem.
                #expect(throws: ProblemsError.self, "step \(step): \(edit) refused with \(error)") { try edited.scratch(codes) }
            }
            if step % 50 == 49 {
                #expect(engine.amounts.map { $0.id } == known.keys.sorted())
                let scratch = try model.scratch(codes)
                #expect(engine.amounts == scratch.amounts, "step \(step)")
                // The full evaluation of the kept structure finds nothing to change either.
                var again = engine
                let check = again.recalculate()
                #expect(check.differences.isEmpty && check.problems.isEmpty, "step \(step)")
                #expect(engine.amounts.allSatisfy { known[$0.id] == $0.amount.fen })
                let budget = Budget(department: "合成", year: 2025, units: input.budget.units, items: [], codes: codes)
                var fresh = Rollup(codes: budget.codes, units: budget.units)
                for a in scratch.amounts { var item = model.lines[a.id]!; item.amount = a.amount; fresh.insert(item, id: a.id) }
                for node in rollup.knownNodes { #expect(rollup.slotSums(node) == fresh.slotSums(node), "step \(step) \(node)") }
                BasisPropertyTests.expectSumsOfParts(rollup, units: units)
            }
        }
        #expect(kinds.count == 12)
        #expect(accepted > 500 && refused > 50, "accepted \(accepted), refused \(refused)")
    }

    /// Every total equals the sum of its parts: the department of its units and of its 类, each
    /// economic 类 of its 款.
    static func expectSumsOfParts(_ r: Rollup, units: [String]) {
        for m in [Measure.all, Measure(kinds: [.basic]), Measure(sources: [.generalPublic], carryover: [.currentYear])] {
            let total = r.total(.department, m).fen
            #expect(total == units.reduce(0) { $0 + r.total(.unit($1), m).fen })
            #expect(total == r.functionCodes.filter { $0.count == 3 }.reduce(0) { $0 + r.total(.function($1), m).fen })
            let economic = r.economicCodes
            for c in economic where c.count == 3 {
                #expect(r.total(.economic(c), m).fen == economic.filter { $0.count == 5 && $0.hasPrefix(c) }.reduce(0) { $0 + r.total(.economic($1), m).fen })
            }
        }
    }

    @Test("the synthetic benchmark budget is acyclic and evaluates")
    func syntheticBuilds() throws {
        let s = SyntheticBasis.make(items: 3_000, seed: 11)
        let e = try BasisEngine(items: s.budget.items, parameters: s.parameters, standards: s.standards, staff: s.staff, codes: s.budget.codes)
        #expect(e.basisLineCount > 600)
        #expect(e.linesUsing(standard: SyntheticBasis.busyStandard).count > 100)
        var engine = e
        var row = try #require(engine.staff.first { $0.id == s.wageStaffRow }?.row)
        row.amounts["岗位工资"] = Money(fen: 510_000)
        let u = try engine.apply(.setStaffRow(id: s.wageStaffRow, row))
        #expect(u.evaluated == 6)
        #expect(Set(u.moved.map(\.id)) == Set([s.wageLine] + s.wageDependents))
    }
}
