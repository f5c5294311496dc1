import Foundation
import Testing
@testable import BudgetXLSX

/// `XLSXRowStream` hands over exactly what `forEachRow` delivers on one thread: the same rows, the
/// same error after the same rows, and, stopped early, a reader whose inflate count is where a
/// one-thread read stopped at that row leaves it.
@Suite struct RowStreamTests {
    /// Rows spanning many batches and many 64 KiB chunks; a cell pointing past the shared strings
    /// at row `brokenAt`, if given.
    static func workbook(_ url: URL, rows: Int, brokenAt: Int? = nil) throws {
        var data = ""
        for r in 1...rows {
            let a = r == brokenAt ? "<c r=\"A\(r)\" t=\"s\"><v>7</v></c>" : "<c r=\"A\(r)\" t=\"s\"><v>\(r % 2)</v></c>"
            data += "<row r=\"\(r)\">\(a)<c r=\"B\(r)\"><v>\(r).25</v></c><c r=\"C\(r)\" t=\"inlineStr\"><is><t>第 \(r) 行</t></is></c></row>"
        }
        let sst = "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>甲</t></si><si><t>乙</t></si></sst>"
        try makeWorkbookZip(at: url, sheets: [("S", sheetXML(data))], sharedStrings: sst)
    }

    /// Rows (and the error) one thread gives, stopping after `stopAfter` rows if given.
    static func oneThread(_ url: URL, stopAfter: Int? = nil) throws -> (rows: [XLSXRow], error: XLSXReadError?, inflated: UInt64) {
        let reader = try XLSXReader(url: url)
        var rows: [XLSXRow] = []
        struct Enough: Error {}
        do {
            try reader.forEachRow(sheet: "S") { row in
                rows.append(row)
                if rows.count == stopAfter { throw Enough() }
            }
        } catch is Enough {
        } catch let e as XLSXReadError { return (rows, e, reader.inflatedBytes) }
        return (rows, nil, reader.inflatedBytes)
    }

    static func twoThreads(_ url: URL, stopAfter: Int? = nil) throws -> (rows: [XLSXRow], error: XLSXReadError?, inflated: UInt64) {
        let reader = try XLSXReader(url: url)
        var rows: [XLSXRow] = []
        struct Enough: Error {}
        var error: XLSXReadError?
        do {
            let stream = XLSXRowStream(reader: reader, sheet: "S")
            defer { stream.close() }
            try stream.forEachRow { row in
                rows.append(row)
                if rows.count == stopAfter { throw Enough() }
            }
        } catch is Enough {
        } catch let e as XLSXReadError { error = e }
        return (rows, error, reader.inflatedBytes)
    }

    @Test func theSameRowsInTheSameOrder() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("rows.xlsx")
        try Self.workbook(url, rows: 3 * RowQueue.batchRows * RowQueue.capacity + 17)
        let one = try Self.oneThread(url), two = try Self.twoThreads(url)
        #expect(two.rows.count == one.rows.count)
        #expect(two.rows == one.rows)
        #expect(two.error == nil && one.error == nil)
        #expect(two.inflated == one.inflated)
    }

    /// The caller stops after a few rows while the producer has read far ahead: closing stops and
    /// joins it, and the reader's count is the one-thread read's at that row, not the read-ahead's.
    @Test func stoppingEarlyLeavesTheReaderAsOneThreadWould() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("stop.xlsx")
        try Self.workbook(url, rows: 60_000)
        for stop in [1, 2_500, 30_000] {
            let one = try Self.oneThread(url, stopAfter: stop), two = try Self.twoThreads(url, stopAfter: stop)
            #expect(two.rows == one.rows)
            #expect(two.inflated == one.inflated, "stopped after \(stop) rows")
        }
        #expect(try Self.oneThread(url, stopAfter: 1).inflated < Self.oneThread(url).inflated)
    }

    @Test func anErrorMidSheetComesAfterTheSameRows() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("broken.xlsx")
        try Self.workbook(url, rows: 30_000, brokenAt: 21_000)
        let one = try Self.oneThread(url), two = try Self.twoThreads(url)
        #expect(one.error?.kind == .malformedXML)
        #expect(two.error == one.error)
        #expect(two.rows == one.rows)
        #expect(two.rows.count < 21_000)
    }

    /// Closing before reading a row (the caller's own work failed first) ends the producer too.
    @Test func closingUnreadStopsTheProducer() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("unread.xlsx")
        try Self.workbook(url, rows: 60_000)
        let reader = try XLSXReader(url: url)
        let stream = XLSXRowStream(reader: reader, sheet: "S")
        stream.close()
        stream.close()
        // The reader is the caller's again.
        #expect(try reader.rows(sheet: "S").count == 60_000)
    }

    /// Wide rows (a 40,000-character text each) cut batches at `RowQueue.batchBytes` of XML long
    /// before `batchRows` rows: what waits in the queue is bounded in bytes too, and the rows are
    /// still the one-thread read's.
    @Test func wideRowsAreBatchedByBytes() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("wide.xlsx")
        let wide = String(repeating: "宽", count: 40_000)  // 120,000 bytes of XML a row
        var data = ""
        for r in 1...400 { data += "<row r=\"\(r)\"><c r=\"A\(r)\" t=\"inlineStr\"><is><t>\(r)\(wide)</t></is></c></row>" }
        try makeWorkbookZip(at: url, sheets: [("S", sheetXML(data))], sharedStrings: nil)
        let one = try Self.oneThread(url)
        let reader = try XLSXReader(url: url)
        var rows: [XLSXRow] = []
        let stream = XLSXRowStream(reader: reader, sheet: "S")
        try stream.forEachRow { rows.append($0) }
        stream.close()
        #expect(rows == one.rows && rows.count == 400)
        // 48 MB of rows: without the byte cut one batch would have held all 400.
        let rowBytes: UInt64 = 120_100, chunk: UInt64 = 64 << 10
        #expect(stream.largestBatch.rows < 400 / 4)
        #expect(stream.largestBatch.bytes <= RowQueue.batchBytes + rowBytes + chunk, "\(stream.largestBatch)")
    }

    @Test func aMissingSheetIsTheSameError() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("one.xlsx")
        try Self.workbook(url, rows: 3)
        let reader = try XLSXReader(url: url)
        let stream = XLSXRowStream(reader: reader, sheet: "T")
        let e = caught(XLSXReadError.self) { try stream.forEachRow { _ in } }
        stream.close()
        #expect(e == caught(XLSXReadError.self) { try reader.forEachRow(sheet: "T") { _ in } })
        #expect(e?.kind == .sheetNotFound)
    }
}
