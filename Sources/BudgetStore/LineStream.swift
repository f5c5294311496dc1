import BudgetCore
import Foundation
import GRDB

/// The lines of a load on their way from the reader to the writer (`Workspace.create(at:reading:)`):
/// the reader parses items.csv on one core while SQLite inserts on the other. A bounded queue of
/// slices, so a writer that falls behind holds the reader back instead of letting copies pile up.
/// Then it hands the writer the rest of the budget, once the reader has validated all of it.
public final class LineStream: @unchecked Sendable {
    /// Slices held at most (of `ItemStream.chunk` lines each: a few MB together).
    static let capacity = 16
    private let condition = NSCondition()
    private var queue: [[LineItem]] = []
    private var ended = false
    private var stopped = false
    private var rest: LoadRest?
    private var sentCount = 0
    private var sentBasisAmounts: [Int: Int64] = [:]

    init() {}

    /// Sends lines, in the budget's order (copied: the caller may go on growing its array).
    /// Blocks while the writer is `capacity` slices behind; does nothing once the load stopped.
    public func send(_ lines: ArraySlice<LineItem>) {
        let copy = Array(lines)
        condition.lock()
        defer { condition.unlock() }
        // The amounts a line with a basis was inserted with: the reader computes its amount only
        // after the whole file, and the writer corrects the stored one then.
        for (k, l) in copy.enumerated() where l.basis != nil { sentBasisAmounts[sentCount + k] = l.amount.fen }
        sentCount += copy.count
        while queue.count >= LineStream.capacity && !stopped { condition.wait() }
        if stopped { return }
        queue.append(copy)
        condition.broadcast()
    }

    /// Lines sent so far.
    var sent: Int { condition.lock(); defer { condition.unlock() }; return sentCount }

    /// Position → 分 of the sent lines that have a basis, as sent.
    var basisAmounts: [Int: Int64] { condition.lock(); defer { condition.unlock() }; return sentBasisAmounts }

    /// The writer's next slice; nil once every line was sent and taken, or the load stopped.
    func next() -> [LineItem]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !ended && !stopped { condition.wait() }
        if stopped || queue.isEmpty { return nil }
        let slice = queue.removeFirst()
        condition.broadcast()
        return slice
    }

    /// No more lines will be sent.
    func endLines() {
        condition.lock(); ended = true; condition.broadcast(); condition.unlock()
    }

    /// Hands the writer the validated budget and what was computed from it.
    func hand(_ r: LoadRest) {
        condition.lock(); rest = r; ended = true; condition.broadcast(); condition.unlock()
    }

    /// The rest of the load; nil when it stopped (the reader or the writer failed).
    func waitForRest() -> LoadRest? {
        condition.lock()
        defer { condition.unlock() }
        while rest == nil && !stopped { condition.wait() }
        return stopped ? nil : rest
    }

    /// Stops the load: the reader's sends return at once, the writer's waits end with nothing.
    func stop() {
        condition.lock(); stopped = true; queue.removeAll(); condition.broadcast(); condition.unlock()
    }

    var isStopped: Bool { condition.lock(); defer { condition.unlock() }; return stopped }
}

/// What the writer of a load needs once the lines are in: the validated budget, its kept roll-up,
/// and whether the lines' references were proven in memory (then SQLite need not check them again).
struct LoadRest: Sendable {
    var budget: Budget
    var disclosureFiles: [String: [UInt8]]?
    var rollup: Rollup
    var referencesProven: Bool
    /// Position → 分 for the lines whose stored amount must be corrected (`Workspace.basisAmounts`).
    var basisAmounts: [Int: Int64]
}

/// The writer thread of a load: inserts the lines as they come, builds the (unit, project) index
/// while the reader checks the budget and rolls it up, then writes the rest, in one transaction.
final class LoadWriter: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var error: (any Error)?

    init(queue: DatabaseQueue, lines: LineStream, timings: LoadTimings) {
        let thread = Thread { [self] in
            do {
                try queue.write { db in
                    // One index build after the lines, instead of an index insert per line. The
                    // statement is the v1-workspace migration's own, so the schema stays exactly
                    // what the migration made (WorkspaceTests compares it).
                    try db.execute(sql: "DROP INDEX item_by_unit_project")
                    try timings.measure("writer", "insert lines (while they are read)") {
                        let writer = try ItemWriter(db)
                        while let slice = lines.next() { try writer.insert(slice) }
                    }
                    if lines.isStopped { throw LoadStopped() }
                    try timings.measure("writer", "index item(unit, project)") {
                        try db.execute(sql: "CREATE INDEX item_by_unit_project ON item(unit, project)")
                    }
                    guard let rest = lines.waitForRest() else { throw LoadStopped() }
                    try Workspace.insertRest(rest, db, timings: timings)
                }
            } catch {
                self.error = error
                lines.stop()
            }
            self.done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Waits for the writer; rethrows its error.
    func join() throws {
        done.wait()
        if let error { throw error }
    }
}

/// A load stopped because the other side failed: never shown (the other side's error is).
struct LoadStopped: Error {}

/// Wall and CPU time per phase of a load (`budget load --timings`), on the reading thread and
/// on the writing one: a benchmark's breakdown, never a test's assertion. CPU time is the thread's
/// own, so a machine shared with other work still shows what each phase costs.
public final class LoadTimings: @unchecked Sendable {
    private let lock = NSLock()
    private let start = ContinuousClock.now
    private var entries: [(thread: String, name: String, from: Duration, to: Duration, cpu: Double)] = []

    public init() {}

    /// The calling thread's CPU time in seconds.
    static func threadCPU() -> Double {
        var t = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) == 0 else { return 0 }
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Runs `body` and records its wall and CPU time under `name`.
    public func measure<T>(_ thread: String, _ name: String, _ body: () throws -> T) rethrows -> T {
        let from = ContinuousClock.now - start, cpu = LoadTimings.threadCPU()
        defer {
            let to = ContinuousClock.now - start, used = LoadTimings.threadCPU() - cpu
            lock.lock(); entries.append((thread, name, from, to, used)); lock.unlock()
        }
        return try body()
    }

    /// One line per phase, in the order they started: `reader 0.000–1.234 s  1234 ms wall  1200 ms CPU  name`.
    public var lines: [String] {
        lock.lock(); defer { lock.unlock() }
        func s(_ d: Duration) -> String { String(format: "%.3f", Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18) }
        func ms(_ d: Duration) -> Int64 { d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000 }
        return entries.sorted { $0.from < $1.from }.map { e in
            "\(e.thread.padding(toLength: 7, withPad: " ", startingAt: 0)) \(s(e.from))–\(s(e.to)) s \(String(ms(e.to - e.from)).leftPadded(6)) ms wall"
                + " \(String(Int(e.cpu * 1000)).leftPadded(6)) ms CPU  \(e.name)"
        }
    }
}

private extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
