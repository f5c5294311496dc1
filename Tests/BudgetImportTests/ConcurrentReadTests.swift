import BudgetCore
import BudgetImport
import BudgetXLSX
import Foundation
import Testing

/// A big sheet is read on two threads (`XLSXRowStream`): the result must be what one thread
/// gives, to the problem, its order and the truncation, and a broken part must throw the same
/// error. Each workbook is read three ways: as `budget import` reads it (its sheet is over the
/// 1 MiB threshold), forced onto two threads (threshold 0) and forced onto one (`.max`).
@Suite struct ConcurrentReadTests {
    static let rows = 12_000

    /// A 支出明细 of `rows` lines (about 2.3 MB of XML): the unit cell merged over blocks of 50
    /// rows, amounts that differ row by row, and a negative amount (a problem) on every row
    /// `bad` says so of.
    static func bigSheet(rows: Int = rows, titleRows: Int = 0, bad: (Int) -> Bool = { _ in false }) -> (SheetBuilder, after: String) {
        var b = SheetBuilder()
        for t in 0..<titleRows { b.row(t + 1, ["s:说明 \(t)"]) }
        let headerRow = titleRows + 1
        b.row(headerRow, itemHeader)
        var merges: [String] = []
        for i in 0..<rows {
            let r = headerRow + 1 + i
            let amount = bad(r) ? "s:-5" : "n:\(r).\(String(format: "%02d", r % 100))"
            var line = basicLine(i % 3 == 0 ? "s:2080505" : "s:2080501", amount: amount)
            if i % 50 == 0 { merges.append("<mergeCell ref=\"A\(r):A\(min(r + 49, headerRow + rows))\"/>") } else { line[0] = nil }
            line[9] = "i:备注 \(i)"
            b.row(r, line)
        }
        return (b, "<mergeCells count=\"\(merges.count)\">\(merges.joined())</mergeCells>")
    }

    /// What a read gives, or the error it throws, for comparing the ways of reading.
    struct Outcome: Equatable {
        var items: [LineItem] = [], itemRows: [Int32] = [], problems: [Problem] = [], truncated = false
        var errorCount = 0, warnings: [Problem] = [], rowsRead = 0, clean = false
        var error: XLSXReadError?
    }

    static func read(_ url: URL, concurrentFrom: UInt64?, problemLimit: Int = 200) throws -> Outcome {
        var options = ImportOptions(problemLimit: problemLimit)
        if let concurrentFrom { options.concurrentReadFromBytes = concurrentFrom }
        do {
            let f = try FileImporter.read(url, options: options)
            return Outcome(items: f.items, itemRows: f.itemRows, problems: f.problems.problems, truncated: f.problems.truncated,
                           errorCount: f.problems.errorCount, warnings: f.warnings, rowsRead: f.rowsRead, clean: f.itemTable.clean)
        } catch let e as XLSXReadError {
            return Outcome(error: e)
        }
    }

    /// Reads `url` the three ways; expects one outcome, and returns it.
    static func readAllWays(_ url: URL, problemLimit: Int = 200, sourceLocation: SourceLocation = #_sourceLocation) throws -> Outcome {
        let one = try read(url, concurrentFrom: .max, problemLimit: problemLimit)
        let two = try read(url, concurrentFrom: 0, problemLimit: problemLimit)
        let asImported = try read(url, concurrentFrom: nil, problemLimit: problemLimit)
        #expect(two == one, "two threads", sourceLocation: sourceLocation)
        #expect(asImported == one, "as imported", sourceLocation: sourceLocation)
        return one
    }

    static func write(_ sheet: (SheetBuilder, after: String), to url: URL, editRows: (inout [String]) -> Void = { _ in }) throws {
        var b = sheet.0
        editRows(&b.rows)
        #expect(sheetXML(b.rows.joined(), after: sheet.after).utf8.count > 1 << 20, "big enough for two threads by default")
        try b.write(to: url, after: sheet.after)
    }

    @Test func aBigSheetGivesTheSameItemsAndProblemsInTheSameOrder() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("big.xlsx")
        // 100 problems spread over the sheet, under the limit: every one is listed, in row order.
        try Self.write(Self.bigSheet(bad: { $0 % 120 == 7 }), to: url)
        let o = try Self.readAllWays(url)
        #expect(o.error == nil)
        #expect(o.rowsRead == Self.rows)
        #expect(o.items.count == Self.rows - 100)
        #expect(o.problems.count == 100 && !o.truncated)
        #expect(o.problems.map { $0.location.line ?? 0 } == (0..<Self.rows).map { $0 + 2 }.filter { $0 % 120 == 7 })
        // The merged unit cell reached every row of its block; the amounts are the rows' own.
        #expect(o.items.allSatisfy { $0.unit == "080001" })
        #expect(o.items.first?.amount.fen == 202)
        #expect(o.items.last?.amount.fen == Int64(Self.rows + 1) * 100 + Int64((Self.rows + 1) % 100))
        #expect(o.itemRows.last == Int32(Self.rows + 1))
    }

    @Test func problemsPastTheLimitStopTheReadAtTheSameRow() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("many-problems.xlsx")
        // A problem on every 10th row from row 3,000: the limit of 50 is reached near row 3,500,
        // thousands of rows before the producer's end.
        try Self.write(Self.bigSheet(bad: { $0 >= 3_000 && $0 % 10 == 0 }), to: url)
        let o = try Self.readAllWays(url, problemLimit: 50)
        #expect(o.error == nil)
        #expect(o.problems.count == 50 && o.truncated && !o.clean)
        #expect(o.problems.last?.location.line == 3_490)
        #expect(o.rowsRead == 3_490 - 1)
    }

    @Test func aSheetWithoutItsHeaderInTheFirstRowsStopsEarly() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("no-header.xlsx")
        try Self.write(Self.bigSheet(titleRows: TableReaderLimits.headerSearchRows), to: url)
        let o = try Self.readAllWays(url)
        #expect(o.items.isEmpty && o.rowsRead == 0)
        #expect(o.problems.map(\.rule) == [.missingHeader])
    }

    /// A cell pointing past the shared strings, deep in the sheet: only the row tokenizer sees it
    /// (the merged-ranges pass skips cells), so the producer thread throws it, after the rows
    /// before it were handled.
    @Test func aBrokenCellMidSheetThrowsTheSameError() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("broken-cell.xlsx")
        try Self.write(Self.bigSheet(), to: url) { rows in
            rows[9_000] = "<row r=\"9001\"><c r=\"A9001\" t=\"s\"><v>99999</v></c></row>"
        }
        let o = try Self.readAllWays(url)
        #expect(o.error?.kind == .malformedXML)
        #expect(o.error?.detail.contains("A9001") == true)
    }

    /// The same broken cell after the problem limit was reached: the read stopped before it, on
    /// both threads, so there is no error.
    @Test func aBrokenCellPastTheProblemLimitIsNeverReached() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("broken-late.xlsx")
        try Self.write(Self.bigSheet(bad: { $0 < 100 }), to: url) { rows in
            rows[9_000] = "<row r=\"9001\"><c r=\"A9001\" t=\"s\"><v>99999</v></c></row>"
        }
        let o = try Self.readAllWays(url, problemLimit: 20)
        #expect(o.error == nil)
        #expect(o.problems.count == 20 && o.truncated)
    }

    /// A sheet part cut short mid-row: the merged-ranges pass (on the calling thread) meets the end
    /// first and throws while the producer is still tokenizing; the producer is stopped.
    @Test func aSheetPartCutShortThrowsTheSameError() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("cut.xlsx")
        var b = Self.bigSheet().0
        let xml = sheetXML(b.rows.joined())
        let cut = String(decoding: Array(xml.utf8).prefix(xml.utf8.count * 2 / 3), as: UTF8.self)
        b.rows = []
        try makeZip(at: url, workbookParts(sheets: [("支出明细", cut)], sharedStrings: b.sharedStringsXML, styles: SheetBuilder.styles))
        let o = try Self.readAllWays(url)
        #expect(o.error?.kind == .malformedXML)
    }
}

/// `TableReader.headerSearchRows`, as the tests outside the module see it.
enum TableReaderLimits { static let headerSearchRows = 20 }

/// Differential fuzzing of the two-thread read: a sheet of a few hundred lines (merged cells,
/// problems, shared and inline strings), its XML mutated at random (bytes flipped, ranges cut,
/// duplicated or moved, markup characters dropped in), read forced onto two threads and onto one:
/// every outcome — the items, the problems and their order, the truncation, or the error — must be
/// the same, and no read may hang or trap. `BUDGET_FUZZ_SCALE=N` runs N times the cases.
@Suite struct ConcurrentReadFuzzTests {
    static func mutate(_ xml: [UInt8], _ g: inout SyntheticBudget.RNG) -> [UInt8] {
        var b = xml
        let markup = Array("<>&\"'/=;#x".utf8)
        for _ in 0..<Int.random(in: 1...4, using: &g) {
            guard b.count > 2 else { break }
            let i = Int.random(in: 0..<b.count, using: &g)
            let n = min(Int.random(in: 1...400, using: &g), b.count - i)
            switch Int.random(in: 0..<5, using: &g) {
            case 0: b[i] = UInt8.random(in: 0...255, using: &g)
            case 1: b.removeSubrange(i..<(i + n))
            case 2: b.insert(contentsOf: b[i..<(i + n)], at: Int.random(in: 0...b.count, using: &g))
            case 3: b.insert(markup[Int.random(in: 0..<markup.count, using: &g)], at: i)
            default:
                let cut = Array(b[i..<(i + n)])
                b.removeSubrange(i..<(i + n))
                b.insert(contentsOf: cut, at: Int.random(in: 0...b.count, using: &g))
            }
        }
        return b
    }

    @Test func mutatedSheetsReadTheSameOnOneAndTwoThreads() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let scale = Int(ProcessInfo.processInfo.environment["BUDGET_FUZZ_SCALE"] ?? "") ?? 1
        let cases = 300 * max(scale, 1)
        let (builder, after) = ConcurrentReadTests.bigSheet(rows: 600, bad: { $0 % 97 == 5 })
        let base = Array(sheetXML(builder.rows.joined(), after: after).utf8)
        var g = SyntheticBudget.RNG(seed: 20261202)
        var errors = 0, clean = 0, withProblems = 0
        for k in 0..<cases {
            let xml = Self.mutate(base, &g)
            let url = dir.file("case-\(k).xlsx")
            try makeZip(at: url, workbookParts(sheets: [("支出明细", String(decoding: xml, as: UTF8.self))], sharedStrings: builder.sharedStringsXML, styles: SheetBuilder.styles))
            let two = try ConcurrentReadTests.read(url, concurrentFrom: 0, problemLimit: 30)
            let one = try ConcurrentReadTests.read(url, concurrentFrom: .max, problemLimit: 30)
            #expect(two == one, "case \(k)")
            if one.error != nil { errors += 1 } else if one.problems.isEmpty { clean += 1 } else { withProblems += 1 }
            try? FileManager.default.removeItem(at: url)
        }
        print("two-thread read fuzz: \(cases) cases: \(errors) refused as unreadable, \(withProblems) read with problems, \(clean) read clean; the same on one thread")
    }
}
