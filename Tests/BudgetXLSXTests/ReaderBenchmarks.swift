import Foundation
import Testing
@testable import BudgetXLSX

/// Figures for the hostile inputs of issue 10, printed, never asserted. Off unless asked for:
/// `BUDGET_XLSX_BENCH=1 swift test --filter ReaderBenchmarks` (one at a time: the machine is shared).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["BUDGET_XLSX_BENCH"] != nil), .serialized)
struct ReaderBenchmarks {
    private func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private func peakRSSMiB() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// One start tag with a 17 MB attribute (the issue's case), in a workbook and straight into
    /// the tokenizer in 64 KiB chunks.
    @Test func seventeenMegabyteAttribute() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("attribute.xlsx")
        let value = String(repeating: "x", count: 17_000_000)
        try makeWorkbookZip(at: url, sheets: [("数据", sheetXML(#"<row r="1" x=""# + value + #""/>"#))])
        for (label, limit) in [("default limit 16 MiB", 16 << 20), ("limit raised to 32 MiB", 32 << 20)] {
            var outcome = "read"
            let t = try seconds {
                let reader = try XLSXReader(url: url, limits: XLSXReadLimits(maxXMLTokenBytes: limit))
                do { _ = try reader.rows(sheet: "数据") } catch let e as XLSXReadError { outcome = "refused (\(e.kind))" }
            }
            print("17 MB attribute, \(label): \(outcome) in \(String(format: "%.2f", t)) s")
        }
        for size in [1_000_000, 4_000_000, 17_000_000] {
            let bytes = TokenizerLinearityTests.hugeAttribute(size)
            var work = 0
            let t = try seconds { work = try TokenizerLinearityTests.scanned(bytes) }
            print("tokenizer, \(size)-byte attribute in 64 KiB chunks: \(String(format: "%.3f", t)) s, "
                  + "\(work) bytes examined (\(String(format: "%.2f", Double(work) / Double(bytes.count))) per input byte)")
        }
        print("peak RSS \(String(format: "%.0f", peakRSSMiB())) MiB")
    }

    /// The issue's merged-range floods: 50,000 `A{i}:ZZZ{i}` (265 KB) and 2,000 of them (38 KB),
    /// then 100,000 two-cell merges (the count limit), read and indexed.
    @Test func mergedRangeFloods() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        for (label, refs) in [("50,000 × A{i}:ZZZ{i}", (1...50_000).map { "A\($0):ZZZ\($0)" }),
                              ("2,000 × A{i}:ZZZ{i}", (1...2_000).map { "A\($0):ZZZ\($0)" }),
                              ("100,000 × A{i}:B{i}", (1...100_000).map { "A\($0):B\($0)" })] {
            let url = dir.file("merged.xlsx")
            try makeWorkbookZip(at: url, sheets: [("数据", sheetXML("", after: "<mergeCells>"
                + refs.map { "<mergeCell ref=\"\($0)\"/>" }.joined() + "</mergeCells>"))])
            let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            var outcome = ""
            let t = try seconds {
                do {
                    let ranges = try XLSXReader(url: url).mergedRanges(sheet: "数据")
                    outcome = "read \(ranges.count) ranges"
                } catch let e as XLSXReadError { outcome = "refused: \(e.message)" }
            }
            print("\(label) (\(size / 1024) KB): \(String(format: "%.2f", t)) s, \(outcome)")
        }
        print("peak RSS \(String(format: "%.0f", peakRSSMiB())) MiB")
    }
}
