import Testing
@testable import BudgetCore

/// Property tests: the incremental engine always equals a recalculation from scratch, and every
/// total equals the sum of its parts, on random budgets and random edit sequences.
@Suite("Roll-up engine")
struct RollupTests {
    static let measures: [Measure] = [
        .all, Measure(kinds: [.basic]), Measure(kinds: [.project]), Measure(sources: [.generalPublic], carryover: [.currentYear]),
        Measure(sources: Measure.fiscalSources), Measure(carryover: [.carriedOver]),
        Measure(sources: [.generalPublic], carryover: [.currentYear], kinds: [.basic], natures: [.personnel]),
        Measure(sources: [.unitFunds, .specialAccount], natures: [.publicUse]),
    ]

    /// Sum of matching items, the slow and obvious way.
    static func naive(_ items: [LineItem], _ measure: Measure, _ match: (LineItem) -> Bool) -> Int64 {
        items.reduce(0) { acc, i in
            let slot = Slot.index(i.source, i.carryover, i.kind, CostNature(economic: i.economic))
            return acc + ((measure.mask >> UInt64(slot)) & 1 == 1 && match(i) ? i.amount.fen : 0)
        }
    }

    @Test("totals equal the sums of their parts, and the naive sums", arguments: [UInt64(1), 2, 3, 42])
    func totalsAreSumsOfParts(seed: UInt64) {
        let budget = SyntheticBudget.make(items: 3_000, units: 4, projectsPerUnit: 6, functionLeaves: 80, seed: seed)
        let r = Rollup(budget: budget)
        let codes = r.functionCodes
        for m in RollupTests.measures {
            let classes = codes.filter { $0.count == 3 }
            #expect(r.total(.department, m).fen == classes.reduce(0) { $0 + r.total(.function($1), m).fen })
            for c in codes where c.count < 7 {
                let children = codes.filter { $0.count == c.count + 2 && $0.hasPrefix(c) }
                #expect(r.total(.function(c), m).fen == children.reduce(0) { $0 + r.total(.function($1), m).fen }, "\(c)")
            }
            for c in codes.prefix(40) {
                #expect(r.total(.function(c), m).fen == RollupTests.naive(budget.items, m) { $0.function.hasPrefix(c) })
            }
            for e in r.economicCodes where e.count == 3 {
                #expect(r.total(.economic(e), m).fen == RollupTests.naive(budget.items, m) { $0.economic.hasPrefix(e) })
            }
            #expect(r.total(.department, m).fen == budget.units.reduce(0) { $0 + r.total(.unit($1.code), m).fen })
            let projectTotal = r.projectNodes.reduce(Int64(0)) { $0 + r.total(.project(unit: $1.unit, code: $1.code), m).fen }
            #expect(projectTotal == r.total(.department, m.intersection(Measure(kinds: [.project]))).fen)
            let pairs = r.economicPairs.reduce(Int64(0)) { $0 + r.total(.economicPair(economic: $1.economic, government: $1.government), m).fen }
            #expect(pairs == r.total(.department, m).fen)
        }
    }

    @Test("random edit sequences: incremental state equals recalculation from scratch", arguments: [UInt64(7), 8, 9])
    func incrementalEqualsScratch(seed: UInt64) {
        var budget = SyntheticBudget.make(items: 500, units: 3, projectsPerUnit: 4, functionLeaves: 40, seed: seed)
        var rng = SyntheticBudget.RNG(seed: seed &* 31)
        var r = Rollup(budget: budget)
        var live: [Int64: LineItem] = Dictionary(uniqueKeysWithValues: budget.items.enumerated().map { (Int64($0.offset), $0.element) })
        var nextID = Int64(budget.items.count)
        let pool = SyntheticBudget.make(items: 400, units: 3, projectsPerUnit: 4, functionLeaves: 40, seed: seed + 100).items
        for step in 0..<2_000 {
            switch rng.next() % 3 {
            case 0:
                let item = pool[Int(rng.next() % UInt64(pool.count))]
                r.insert(item, id: nextID); live[nextID] = item; nextID += 1
            case 1:
                if let id = live.keys.randomElement(using: &rng) { r.remove(id: id); live[id] = nil }
            default:
                if let id = live.keys.randomElement(using: &rng) {
                    var item = pool[Int(rng.next() % UInt64(pool.count))]
                    item.amount = Money(fen: Int64(rng.next() % 1_000_000))
                    r.update(id: id, to: item); live[id] = item
                }
            }
            if step % 500 == 499 {
                budget.items = live.sorted { $0.key < $1.key }.map(\.value)
                let scratch = Rollup(budget: budget)
                for node in r.knownNodes {
                    #expect(r.slotSums(node) == scratch.slotSums(node), "node \(node) after \(step + 1) edits")
                }
                var recalculated = r
                recalculated.recalculate()
                for node in r.knownNodes { #expect(recalculated.slotSums(node) == r.slotSums(node)) }
            }
        }
        #expect(r.lineCount == live.count)
    }

    @Test("setAmount moves a line's nodes by the difference, as a full update would")
    func setAmount() {
        var budget = SyntheticBudget.make(items: 400, units: 3, projectsPerUnit: 4, functionLeaves: 40, seed: 5)
        var r = Rollup(budget: budget)
        var rng = SyntheticBudget.RNG(seed: 11)
        for _ in 0..<300 {
            let i = Int(rng.next() % UInt64(budget.items.count))
            budget.items[i].amount = Money(fen: Int64(rng.next() % 1_000_000))
            r.setAmount(id: Int64(i), to: budget.items[i].amount)
        }
        r.setAmount(id: 99_999, to: Money(fen: 5)) // unknown: ignored
        let scratch = Rollup(budget: budget)
        #expect(r.knownNodes.count == scratch.knownNodes.count)
        for node in scratch.knownNodes { #expect(r.slotSums(node) == scratch.slotSums(node), "\(node)") }
    }

    @Test("an edit touches only the line's ancestors")
    func editTouchesAncestors() {
        var codes = CodeBook()
        for c in ["208", "20805", "2080501", "2080505", "210", "21011", "2101101"] { codes.define(.function, code: c, name: c, origin: .defaults) }
        codes.define(.economic, code: "30101", name: "基本工资", origin: .defaults)
        codes.map(economic: "30101", to: EconomicMapping(administrative: "50101", institution: "50501"), origin: .defaults)
        let units = [BudgetUnit(code: "001", name: "机关", type: .administrative), BudgetUnit(code: "002", name: "事业", type: .institution)]
        var r = Rollup(codes: codes, units: units)
        r.insert(LineItem(unit: "001", function: "2080501", economic: "30101", amount: Money(fen: 100)), id: 1)
        r.insert(LineItem(unit: "002", function: "2101101", economic: "30101", amount: Money(fen: 250)), id: 2)
        #expect(r.total(.function("208")).fen == 100)
        #expect(r.total(.economicPair(economic: "30101", government: "50101")).fen == 100)
        #expect(r.total(.economicPair(economic: "30101", government: "50501")).fen == 250)
        r.update(id: 1, to: LineItem(unit: "001", function: "2080505", economic: "30101", amount: Money(fen: 40)))
        #expect(r.total(.function("2080501")).fen == 0)
        #expect(r.total(.function("2080505")).fen == 40)
        #expect(r.total(.function("210")).fen == 250)
        #expect(r.total(.department).fen == 290)
        #expect(r.total(.department, Measure(natures: [.personnel])).fen == 290)
        r.remove(id: 2)
        #expect(r.total(.unit("002")).fen == 0)
        #expect(r.total(.department).fen == 40)
    }

    @Test("a unit whose type changes maps its re-resolved lines by the new type")
    func unitTypeChange() {
        var codes = CodeBook()
        for c in ["208", "20805", "2080501"] { codes.define(.function, code: c, name: c, origin: .defaults) }
        codes.define(.economic, code: "30101", name: "基本工资", origin: .defaults)
        codes.map(economic: "30101", to: EconomicMapping(administrative: "50101", institution: "50501"), origin: .defaults)
        var r = Rollup(codes: codes, units: [BudgetUnit(code: "001", name: "中心", type: .administrative)])
        let line = LineItem(unit: "001", function: "2080501", economic: "30101", amount: Money(fen: 700))
        r.insert(line, id: 1)
        #expect(r.total(.economicPair(economic: "30101", government: "50101")).fen == 700)
        r.setUnits([BudgetUnit(code: "001", name: "中心", type: .institution)])
        r.update(id: 1, to: line)
        #expect(r.total(.economicPair(economic: "30101", government: "50101")).fen == 0)
        #expect(r.total(.economicPair(economic: "30101", government: "50501")).fen == 700)
        #expect(r.total(.unit("001")).fen == 700)
    }

    /// The line-free `add` reuses the previous line's resolution when the next line repeats its
    /// unit, codes and project (a saved folder's order): it must give exactly the sums a roll-up
    /// built from the lines gives, whatever the order, and re-resolve after a unit's type changed.
    @Test("line-free add, in saved order and shuffled, equals the roll-up built from the lines", arguments: [UInt64(3), 4])
    func lineFreeAddEqualsBuild(seed: UInt64) {
        let budget = SyntheticBudget.make(items: 2_000, units: 3, projectsPerUnit: 4, functionLeaves: 30, seed: seed)
        let built = Rollup(budget: budget)
        var rng = SyntheticBudget.RNG(seed: seed)
        var shuffled = budget.items
        for i in shuffled.indices.reversed() where i > 0 { shuffled.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let sorted = budget.items.sorted { ($0.unit, $0.function, $0.economic) < ($1.unit, $1.function, $1.economic) }
        for order in [budget.items, sorted, shuffled] {
            var free = Rollup(kept: budget.codes, units: budget.units, nodes: [])
            for item in order { free.add(item, sign: 1) }
            // A line taken out and put back between repeats of its neighbour changes nothing.
            for item in order.prefix(50) { free.add(item, sign: -1); free.add(item, sign: 1) }
            for n in built.knownNodes { #expect(free.slotSums(n) == built.slotSums(n), "\(n)") }
            #expect(Set(free.knownNodes) == Set(built.knownNodes))
        }
        // A unit's type picks the economic pair: after setUnits the same line resolves anew.
        let line = budget.items[0]
        var free = Rollup(kept: budget.codes, units: budget.units, nodes: [])
        free.add(line, sign: 1)
        let flipped = budget.units.map { u in
            BudgetUnit(code: u.code, name: u.name, type: u.type == .administrative ? .institution : .administrative)
        }
        free.setUnits(flipped)
        free.add(line, sign: 1)
        var expected = Rollup(codes: budget.codes, units: budget.units)
        expected.insert(line, id: 0)
        expected.setUnits(flipped)
        expected.insert(line, id: 1)
        for n in expected.knownNodes { #expect(free.slotSums(n) == expected.slotSums(n), "\(n)") }
    }

    /// The flat layout a store reads kept sums into must give the roll-up the list of nodes gives,
    /// in any order (the department need not come first), and one node kept twice is summed, as
    /// `init(kept:units:nodes:)` sums it.
    @Test("a roll-up over flat kept nodes equals one over the same nodes listed, shuffled or repeated", arguments: [UInt64(5), 6])
    func flatKeptEqualsList(seed: UInt64) {
        let budget = SyntheticBudget.make(items: 1_500, units: 3, projectsPerUnit: 4, functionLeaves: 30, seed: seed)
        var free = Rollup(kept: budget.codes, units: budget.units, nodes: [])
        for item in budget.items { free.add(item, sign: 1) }
        var kept = free.keptNodes.filter { !$0.isEmpty }
        var rng = SyntheticBudget.RNG(seed: seed)
        for i in kept.indices.reversed() where i > 0 { kept.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        #expect(kept.first?.node != .department)
        for nodes in [kept, kept + kept.prefix(3)] {
            var flat = Rollup.FlatKept(capacity: nodes.count)
            for k in nodes { flat.add(k.node, lines: k.lines, sums: k.sums, slotLines: k.slotLines) }
            let listed = Rollup(kept: budget.codes, units: budget.units, nodes: nodes)
            let fromFlat = Rollup(kept: budget.codes, units: budget.units, flat: flat)
            #expect(Set(fromFlat.knownNodes) == Set(listed.knownNodes))
            for n in listed.knownNodes { #expect(fromFlat.slotSums(n) == listed.slotSums(n), "\(n)") }
            #expect(Set(flat.list) == Set(nodes) || nodes.count != kept.count)
            // Both go on moving by lines alike.
            var a = fromFlat, b = listed
            a.add(budget.items[0], sign: -1); b.add(budget.items[0], sign: -1)
            for n in listed.knownNodes { #expect(a.slotSums(n) == b.slotSums(n), "\(n)") }
        }
        // No node at all: the department alone, empty, and `list` leaves it out.
        let none = Rollup.FlatKept()
        #expect(none.list.isEmpty)
        #expect(Rollup(kept: budget.codes, units: budget.units, flat: none).total(.department) == .zero)
    }
}
