import ArgumentParser
import BudgetCore
import BudgetExport
import BudgetTables
import BudgetStore
import BudgetWorkbook
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension BudgetCommand {
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "性能基准：合成 10^4、10^5、10^6 条明细的预算，测读入、全量重算、单条增量修改和内存峰值。",
            discussion: "只打印测得的数字，不做断言。")

        @Option(help: "明细条数，逗号分隔") var sizes = "10000,100000,1000000"
        @Option(help: "增量修改次数") var edits = 10_000
        @Option(help: "合成预算的功能分类项级科目个数（表格行数随之增加）") var functionLeaves = 600
        @Flag(help: "同时测写入 SQLite 工作区") var workspace = false
        @Option(help: "临时文件夹") var tmp = NSTemporaryDirectory()
        @Option(help: "测算依据基准的明细条数（其中 30% 有测算依据；0 不测）") var basisLines = 1_000_000
        @Option(help: "测算依据基准中人员信息修改的次数") var basisEdits = 1_000

        func run() throws {
            try runReporting {
                let codes = try defaultCodes()
                let counts = sizes.split(separator: ",").compactMap { Int($0.trimmingSpaces) }
                print("budget bench  (\(ProcessInfo.processInfo.activeProcessorCount) cores)")
                for n in counts { try bench(n, codes: codes) }
                if basisLines > 0 { try benchBasis(basisLines, codes: codes) }
            }
        }

        /// The basis figures of issue 12: loading a folder of which 30% of the lines have a basis
        /// (parse, validate, compute every basis; then the roll-up), then `BasisBenchmark` (full
        /// evaluation, the busy standard changed and rolled up, the wage line and its five
        /// dependents). Times are the CPU time of this thread: the machine is shared.
        func benchBasis(_ n: Int, codes: CodeBook) throws {
            print("\n== basis (测算依据): \(n) line items, 30% with a basis ==")
            var input = SyntheticBasis.make(items: n, basisShare: 0.3, codes: codes)
            input.budget.parameters = input.parameters
            input.budget.standards = input.standards
            // The synthetic amounts are sized for the roll-up benchmark; its insurance lines each
            // read a unit's whole wage 款 (10^4 lines), which passes the 1000 亿元 line limit and
            // the 10 万亿元 total that a load refuses. 1/100,000 of every typed and roster amount
            // keeps every figure within the limits; the work is the same.
            for k in input.budget.items.indices where input.budget.items[k].basis == nil {
                input.budget.items[k].amount = Money(fen: input.budget.items[k].amount.fen / 100_000)
            }
            input.budget.staff = input.staff.map { r in
                var r = r
                r.amounts = r.amounts.mapValues { Money(fen: $0.fen / 100_000) }
                return r
            }
            try input.budget.computeBasisAmounts()
            let folder = URL(fileURLWithPath: tmp).appendingPathComponent("budget-bench-basis-\(n)-\(getpid())")
            defer { try? FileManager.default.removeItem(at: folder) }
            try WorkbookFolder.write(input.budget, to: folder)
            input = SyntheticBasis.make(items: 0, codes: codes) // free the first copy before the load
            var t = threadCPUTime(), w = ContinuousClock.now
            let loaded = try WorkbookFolder.read(folder, defaults: codes)
            let read = threadCPUTime() - t, readWall = ContinuousClock.now - w
            t = threadCPUTime(); w = ContinuousClock.now
            let rollup = Rollup(budget: loaded)
            let build = threadCPUTime() - t, buildWall = ContinuousClock.now - w
            print("load folder (parse, validate, compute bases) \(fmt(read.seconds * 1000)) ms CPU (\(fmt(readWall.seconds * 1000)) ms wall)")
            print("build roll-up                                 \(fmt(build.seconds * 1000)) ms CPU (\(fmt(buildWall.seconds * 1000)) ms wall), \(rollup.knownNodes.count) nodes")
            print("load total                                    \(fmt((read + build).seconds * 1000)) ms CPU (\(fmt((readWall + buildWall).seconds * 1000)) ms wall)")
            _ = consume loaded
            print(try BasisBenchmark.run(lines: n, basisShare: 0.3, edits: basisEdits, codes: codes, timer: threadCPUTime))
            print("peak memory (process)                         \(peakMemoryMB()) MB")
        }

        func bench(_ n: Int, codes: CodeBook) throws {
            print("\n== \(n) line items ==")
            let budget = SyntheticBudget.make(items: n, functionLeaves: functionLeaves, codes: codes)
            let folder = URL(fileURLWithPath: tmp).appendingPathComponent("budget-bench-\(n)-\(getpid())")
            defer { try? FileManager.default.removeItem(at: folder) }
            var t = ContinuousClock.now
            try WorkbookFolder.write(budget, to: folder)
            let saveTime = ContinuousClock.now - t
            let size = (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("items.csv").path)[.size] as? Int) ?? 0
            print("items.csv                    \(String(format: "%.1f", Double(size) / 1e6)) MB")
            print("save folder (sort+write)     \(fmt(saveTime.seconds * 1000)) ms")

            t = ContinuousClock.now
            let loaded = try WorkbookFolder.read(folder, defaults: codes)
            let loadTime = ContinuousClock.now - t
            print("load folder (parse+validate) \(fmt(loadTime.seconds * 1000)) ms  \(Int(Double(n) / loadTime.seconds)) items/s")

            t = ContinuousClock.now
            var rollup = Rollup(budget: loaded)
            let build = ContinuousClock.now - t
            print("build roll-up (resolve)      \(fmt(build.seconds * 1000)) ms  \(rollup.knownNodes.count) nodes")
            print("load total                   \(fmt((loadTime + build).seconds * 1000)) ms")

            var best = Double.infinity
            for _ in 0..<5 {
                t = ContinuousClock.now
                rollup.recalculate()
                best = min(best, (ContinuousClock.now - t).seconds)
            }
            print("full recalculation           \(fmt(best * 1000)) ms (best of 5)")

            var rng = SyntheticBudget.RNG(seed: 7)
            var items = loaded.items
            var samples: [Double] = []
            samples.reserveCapacity(edits)
            let leaves = Array(Set(items.map(\.function)))
            for _ in 0..<edits {
                let i = Int(rng.next() % UInt64(items.count))
                var item = items[i]
                item.amount = Money(fen: Int64(rng.next() % 100_000_000))
                if rng.next() % 4 == 0 { item.function = leaves[Int(rng.next() % UInt64(leaves.count))] }
                let s = ContinuousClock.now
                rollup.update(id: Int64(i), to: item)
                samples.append((ContinuousClock.now - s).seconds)
                items[i] = item
            }
            samples.sort()
            let median = samples[samples.count / 2] * 1e6, p99 = samples[Int(Double(samples.count) * 0.99)] * 1e6
            print("incremental edit             median \(fmt(median)) µs  p99 \(fmt(p99)) µs  (\(edits) edits)")

            if workspace {
                let path = folder.appendingPathComponent("bench.budget").path
                t = ContinuousClock.now
                try Workspace.create(at: path, budget: loaded)
                let w = (ContinuousClock.now - t).seconds
                print("write SQLite workspace       \(fmt(w * 1000)) ms  \(Int(Double(n) / w)) items/s")
                t = ContinuousClock.now
                let back = try Workspace.open(path).budget()
                let r = (ContinuousClock.now - t).seconds
                print("read SQLite workspace        \(fmt(r * 1000)) ms  (\(back.items.count) items)")
            }
            try benchExport(loaded, rollup: rollup, folder: folder)
            print("peak memory (process)        \(peakMemoryMB()) MB")
        }
    }
}

func fmt(_ x: Double) -> String { String(format: x < 10 ? "%.2f" : "%.0f", x) }

/// CPU time of the calling thread (the benchmark's figures on a shared machine).
func threadCPUTime() -> Duration {
    var ts = timespec()
    guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0 else { return ContinuousClock.now - benchStart }
    return .seconds(ts.tv_sec) + .nanoseconds(ts.tv_nsec)
}
let benchStart = ContinuousClock.now

/// The process's peak resident set size so far.
func peakMemoryMB() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss / 1024)
}

extension BudgetCommand.Bench {
    /// Times the disclosure-table export (compute the 13 tables from the roll-up, write the XLSX).
    func benchExport(_ budget: Budget, rollup: Rollup, folder: URL) throws {
        let templates = try TableSetOptions.namedSet(for: nil)
        let out = folder.appendingPathComponent("export.xlsx")
        var best = (build: Double.infinity, write: Double.infinity)
        var rows = 0
        for _ in 0..<3 {
            let r = try DisclosureExport.run(budget: budget, rollup: rollup, templates: templates, out: out)
            if r.buildSeconds + r.writeSeconds < best.build + best.write { best = (r.buildSeconds, r.writeSeconds) }
            rows = r.tables.reduce(0) { $0 + $1.rows.count }
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: out.path)[.size] as? Int) ?? 0
        print("export 13 tables (XLSX)      \(fmt((best.build + best.write) * 1000)) ms  (compute \(fmt(best.build * 1000)) ms, write \(fmt(best.write * 1000)) ms; \(rows) rows, \(size / 1024) KB; best of 3)")
    }
}
