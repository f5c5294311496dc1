import Foundation
import Testing
@testable import BudgetXLSX

/// Merged ranges are bounded by count and by the cells they cover, and never overlap; the
/// lookup index answers a cell's range without expanding any range.
@Suite struct MergedRangeTests {
    private func workbook(_ merges: [String], in dir: TempDir, name: String = "merged.xlsx") throws -> URL {
        let url = dir.file(name)
        let cells = merges.map { "<mergeCell ref=\"\($0)\"/>" }.joined()
        try makeWorkbookZip(at: url, sheets: [("支出明细", sheetXML(
            #"<row r="1"><c r="A1" t="inlineStr"><is><t>标题</t></is></c></row>"#,
            after: "<mergeCells count=\"\(merges.count)\">\(cells)</mergeCells>"))])
        return url
    }

    /// Issue 10: 50,000 ranges `A{i}:ZZZ{i}` in a 265 KB file made the import take over 5.4 GB.
    /// The reader stops at the area limit, naming it, the sheet and the range.
    @Test func wideRangesStopAtTheAreaLimit() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = try workbook((1...50_000).map { "A\($0):ZZZ\($0)" }, in: dir)
        let reader = try XLSXReader(url: url)
        let error = caught(XLSXReadError.self) { _ = try reader.mergedRanges(sheet: "支出明细") }
        #expect(error?.kind == .limitExceeded)
        // 18,278 cells a range: the 918th passes 16,777,216.
        #expect(error?.message.contains("工作表“支出明细”") == true)
        #expect(error?.message.contains("16777216") == true)
        #expect(error?.message.contains("maxMergedCells") == true)
        #expect(error?.message.contains("A918:ZZZ918") == true, "\(error?.message ?? "")")
        #expect(caught(XLSXReadError.self) { _ = try reader.read(sheet: "支出明细") }?.kind == .limitExceeded)
    }

    @Test func manyRangesStopAtTheCountLimit() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = try workbook((1...1_001).map { "A\($0):B\($0)" }, in: dir)
        let limited = try XLSXReader(url: url, limits: XLSXReadLimits(maxMergedRanges: 1_000))
        let error = caught(XLSXReadError.self) { _ = try limited.mergedRanges(sheet: "支出明细") }
        #expect(error?.kind == .limitExceeded)
        #expect(error?.message.contains("maxMergedRanges") == true)
        #expect(error?.message.contains("1000") == true)
        #expect(error?.message.contains("A1001:B1001") == true)
        #expect(error?.message.contains("工作表“支出明细”") == true)
        // At the limit exactly: read.
        let exact = try workbook((1...1_000).map { "A\($0):B\($0)" }, in: dir, name: "exact.xlsx")
        #expect(try XLSXReader(url: exact, limits: XLSXReadLimits(maxMergedRanges: 1_000))
            .mergedRanges(sheet: "支出明细").count == 1_000)
        // The default limit holds a merge on each of 10^5 rows.
        #expect(try XLSXReader(url: url).mergedRanges(sheet: "支出明细").count == 1_001)
    }

    @Test func areaLimitIsExact() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = try workbook(["A1:D25", "A26:A26"], in: dir)   // 100 + 1 cells
        #expect(try XLSXReader(url: url, limits: XLSXReadLimits(maxMergedCells: 101)).mergedRanges(sheet: "支出明细").count == 2)
        let error = caught(XLSXReadError.self) {
            _ = try XLSXReader(url: url, limits: XLSXReadLimits(maxMergedCells: 100)).mergedRanges(sheet: "支出明细")
        }
        #expect(error?.kind == .limitExceeded)
        #expect(error?.message.contains("A26") == true)
    }

    /// A range of a whole column's million rows counts its cells without walking them.
    @Test func wholeColumnRangeIsCountedNotWalked() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = try workbook(["A1:A1048576", "B1:XFD1"], in: dir)
        let ranges = try XLSXReader(url: url).mergedRanges(sheet: "支出明细")
        #expect(ranges.map(\.reference) == ["A1:A1048576", "B1:XFD1"])
    }

    @Test func overlappingRangesAreRefused() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        for (merges, pair) in [(["A1:B2", "B2:C3"], ("A1:B2", "B2:C3")),
                               (["C5:C9", "A1:D1", "A7:F7"], ("C5:C9", "A7:F7")),
                               (["A1:Z100", "M50:M50"], ("A1:Z100", "M50:M50")),
                               (["B2:B2", "B2:B2"], ("B2:B2", "B2:B2"))] {
            let url = try workbook(merges, in: dir)
            let error = caught(XLSXReadError.self) { _ = try XLSXReader(url: url).mergedRanges(sheet: "支出明细") }
            #expect(error?.kind == .malformedXML, "\(merges)")
            #expect(error?.message.contains("\(pair.0) 与 \(pair.1) 重叠") == true, "\(merges): \(error?.message ?? "")")
        }
        // Touching is not overlapping.
        let url = try workbook(["A1:B2", "C1:D2", "A3:D3", "E1:E1"], in: dir)
        #expect(try XLSXReader(url: url).mergedRanges(sheet: "支出明细").count == 4)
    }

    @Test func unreadableRangeIsRefusedNotDropped() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        for ref in ["A1:", "1:2", "", "A0:B1", "ABCD1:A2"] {
            let url = try workbook([ref], in: dir)
            let error = caught(XLSXReadError.self) { _ = try XLSXReader(url: url).mergedRanges(sheet: "支出明细") }
            #expect(error?.kind == .malformedXML, "\(ref)")
            #expect(error?.message.contains("“\(ref)”") == true, "\(ref)")
        }
    }

    /// The sweep against a brute-force check over random small sheets.
    @Test func overlapSweepAgreesWithBruteForce() {
        var rng = FuzzTests.SeededGenerator(state: 99)
        for _ in 0..<3_000 {
            let ranges = (0..<Int.random(in: 0...6, using: &rng)).map { _ in
                let r = Int.random(in: 1...8, using: &rng), c = Int.random(in: 0...7, using: &rng)
                return XLSXRange(firstRow: r, firstColumn: c, lastRow: r + Int.random(in: 0...3, using: &rng),
                                 lastColumn: c + Int.random(in: 0...3, using: &rng))
            }
            var brute = false
            for i in ranges.indices { for j in ranges.indices where i < j {
                let a = ranges[i], b = ranges[j]
                if a.firstRow <= b.lastRow && b.firstRow <= a.lastRow && a.firstColumn <= b.lastColumn && b.firstColumn <= a.lastColumn {
                    brute = true
                }
            } }
            let found = MergedRangeCollector.firstOverlap(ranges)
            #expect((found != nil) == brute, "\(ranges.map(\.reference))")
            if let (a, b) = found {
                #expect(a.firstRow <= b.lastRow && b.firstRow <= a.lastRow && a.firstColumn <= b.lastColumn && b.firstColumn <= a.lastColumn)
            }
        }
    }

    @Test func indexFindsTheRangeOfACell() {
        let ranges = [XLSXRange(firstRow: 1, firstColumn: 0, lastRow: 1, lastColumn: 18_277),   // A1:ZZZ1
                      XLSXRange(firstRow: 5, firstColumn: 2, lastRow: 9, lastColumn: 3),        // C5:D9
                      XLSXRange(firstRow: 10, firstColumn: 2, lastRow: 10, lastColumn: 2)]      // C10
        let index = XLSXMergeIndex(ranges, columns: [0, 2, 4])
        #expect(index.range(containing: 1, column: 0)?.reference == "A1:ZZZ1")
        #expect(index.range(containing: 1, column: 4)?.reference == "A1:ZZZ1")
        #expect(index.range(containing: 2, column: 0) == nil)
        #expect(index.range(containing: 4, column: 2) == nil)
        #expect(index.range(containing: 5, column: 2)?.reference == "C5:D9")
        #expect(index.range(containing: 9, column: 2)?.reference == "C5:D9")
        #expect(index.range(containing: 10, column: 2)?.reference == "C10:C10")
        #expect(index.range(containing: 11, column: 2) == nil)
        #expect(index.range(containing: 7, column: 3) == nil, "column D was not asked for")
        #expect(!index.isEmpty)
        #expect(XLSXMergeIndex([], columns: [0]).isEmpty)
    }
}
