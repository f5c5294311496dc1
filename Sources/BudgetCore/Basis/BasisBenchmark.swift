/// The basis benchmark (`budget bench` prints it): figures only, never assertions.
/// On a `SyntheticBasis` budget it times the full evaluation, a change of the standard most lines
/// read (recomputed, then rolled up through `Rollup.setAmount`), and edits around one wage line
/// with five dependents.
public enum BasisBenchmark {
    public struct Report: Sendable, CustomStringConvertible {
        public var lines = 0
        public var basisLines = 0
        /// Building the engine from the lines: parse, link, order and evaluate every basis (best of 3).
        public var build: Duration = .zero
        /// Evaluating every basis again on the built engine (`recalculate`, best of 3).
        public var fullEvaluation: Duration = .zero
        /// Lines that read the busy standard, and how many moved when it changed.
        public var standardUsers = 0
        public var standardMoved = 0
        public var standardEvaluated = 0
        /// Median over the repetitions: the engine's recomputation, then the roll-up of the moved lines.
        public var standardRecompute: Duration = .zero
        public var standardRollup: Duration = .zero
        /// A roster row of the wage line's unit changes: the wage line and its five dependents move.
        public var rosterEditMedian: Duration = .zero
        public var rosterEditP99: Duration = .zero
        public var rosterEditEvaluated = 0
        /// The wage line's own basis changes (a structural edit: relink, cycle check, levels).
        public var wageBasisEditMedian: Duration = .zero
        public var wageBasisEditP99: Duration = .zero
        /// The same roster edit, plus the roll-up of the six lines.
        public var rosterEditWithRollupMedian: Duration = .zero
        public var edits = 0

        public var description: String {
            [
                "== basis (测算依据): \(lines) lines, \(basisLines) with a basis ==",
                "build (parse, link, evaluate) \(ms(build)) ms (best of 3)",
                "full evaluation              \(ms(fullEvaluation)) ms (recalculate, best of 3)",
                "standard change              recompute \(ms(standardRecompute)) ms + roll-up \(ms(standardRollup)) ms  (\(standardUsers) lines read it, \(standardEvaluated) evaluated, \(standardMoved) moved; median of 5)",
                "roster row → wage line + 5   median \(us(rosterEditMedian)) µs  p99 \(us(rosterEditP99)) µs  (\(rosterEditEvaluated) evaluated; \(edits) edits)",
                "  with roll-up of the 6      median \(us(rosterEditWithRollupMedian)) µs",
                "wage line basis edited       median \(us(wageBasisEditMedian)) µs  p99 \(us(wageBasisEditP99)) µs",
            ].joined(separator: "\n")
        }
    }

    /// Elapsed wall-clock time since an arbitrary start (the default timer).
    public static func wallClock() -> Duration { ContinuousClock.now - start }
    private static let start = ContinuousClock.now

    /// `timer` reads the time: the wall clock by default; a caller on a loaded machine may pass a
    /// thread CPU-time clock (the core has no access to one without Glibc).
    public static func run(lines: Int = 1_000_000, basisShare: Double = 0.3, edits: Int = 1_000,
                           codes: CodeBook? = nil, seed: UInt64 = 2025,
                           timer: @escaping () -> Duration = BasisBenchmark.wallClock) throws(ProblemsError) -> Report {
        let clock = Timer(read: timer)
        var input = SyntheticBasis.make(items: lines, basisShare: basisShare, seed: seed, codes: codes)
        var report = Report()
        report.lines = input.budget.items.count
        report.basisLines = input.budget.items.reduce(0) { $0 + ($1.basis == nil ? 0 : 1) }
        report.edits = edits

        var engine: BasisEngine?
        var best = Duration.seconds(1_000_000)
        for _ in 0..<3 {
            engine = nil // the previous engine's memory is freed before the next build
            let t = clock.now
            let e = try BasisEngine(items: input.budget.items, parameters: input.parameters, standards: input.standards,
                                    staff: input.staff, codes: input.budget.codes)
            best = min(best, clock.now - t)
            engine = e
        }
        guard var engine else { return report }
        report.build = best
        best = .seconds(1_000_000)
        for _ in 0..<3 {
            let t = clock.now
            _ = engine.recalculate()
            best = min(best, clock.now - t)
        }
        report.fullEvaluation = best
        for d in engine.initialDifferences { input.budget.items[Int(d.id)].amount = d.new }
        var rollup = Rollup(budget: input.budget)

        // The busy standard, changed five times.
        report.standardUsers = engine.linesUsing(standard: SyntheticBasis.busyStandard).count
        var recompute: [Duration] = [], roll: [Duration] = []
        for k in 1...5 {
            let st = Standard(name: SyntheticBasis.busyStandard, value: BasisNumber(Rational(unchecked: Int64(8000 + 100 * k), 1)))
            let t = clock.now
            let u = try engine.apply(.setStandard(st))
            let t1 = clock.now
            for c in u.moved { rollup.setAmount(id: c.id, to: c.new) }
            let t2 = clock.now
            recompute.append(t1 - t); roll.append(t2 - t1)
            report.standardMoved = u.moved.count
            report.standardEvaluated = u.evaluated
        }
        report.standardRecompute = recompute.sorted()[2]
        report.standardRollup = roll.sorted()[2]

        // The wage fixture.
        guard input.wageLine >= 0, var row = engine.staff.first(where: { $0.id == input.wageStaffRow })?.row else { return report }
        var samples: [Duration] = [], withRollup: [Duration] = []
        samples.reserveCapacity(edits)
        for k in 0..<edits {
            row.amounts["岗位工资"] = Money(fen: 500_000 + Int64(k % 2) * 10_000)
            let t = clock.now
            let u = try engine.apply(.setStaffRow(id: input.wageStaffRow, row))
            samples.append(clock.now - t)
            report.rosterEditEvaluated = u.evaluated
            for c in u.moved { rollup.setAmount(id: c.id, to: c.new) }
            withRollup.append(clock.now - t)
        }
        samples.sort(); withRollup.sort()
        report.rosterEditMedian = samples[samples.count / 2]
        report.rosterEditP99 = samples[samples.count * 99 / 100]
        report.rosterEditWithRollupMedian = withRollup[withRollup.count / 2]

        samples.removeAll(keepingCapacity: true)
        var wage = input.budget.items[Int(input.wageLine)]
        for k in 0..<edits {
            wage.basis = k % 2 == 0 ? "工资(岗位工资, 在职) × 13" : "工资(岗位工资, 在职) × 12"
            let t = clock.now
            _ = try engine.apply(.setLine(id: input.wageLine, wage))
            samples.append(clock.now - t)
        }
        samples.sort()
        report.wageBasisEditMedian = samples[samples.count / 2]
        report.wageBasisEditP99 = samples[samples.count * 99 / 100]
        return report
    }

    /// `clock.now - t` over any time source.
    struct Timer {
        let read: () -> Duration
        var now: Duration { read() }
    }

    static func ms(_ d: Duration) -> String { decimal(seconds(d) * 1e3) }
    static func us(_ d: Duration) -> String { decimal(seconds(d) * 1e6) }
    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Two decimals below 10, none above (no Foundation, nor libm, in the core; x ≥ 0).
    static func decimal(_ x: Double) -> String {
        if x >= 10 { return String(Int(x + 0.5)) }
        let h = Int(x * 100 + 0.5)
        return "\(h / 100).\(h % 100 < 10 ? "0" : "")\(h % 100)"
    }
}
