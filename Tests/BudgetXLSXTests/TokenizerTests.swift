import Foundation
import Testing
@testable import BudgetXLSX

/// The streaming tokenizer gives the same result however the bytes are cut into chunks.
@Suite struct TokenizerTests {
    private func parse(_ xml: String, chunkSize: Int) throws -> (rows: [XLSXRow], merged: [XLSXRange]) {
        let bytes = Array(xml.utf8)
        var tokenizer = XMLTokenizer(
            handler: SheetHandler(part: "sheet.xml", sharedStrings: ["一", "二", "三", "四", "五"], styles: StyleTable(), wantRows: true),
            part: "sheet.xml", maxTokenBytes: 1 << 20)
        var rows: [XLSXRow] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + chunkSize, bytes.count)
            try bytes[start..<end].withUnsafeBufferPointer { try tokenizer.feed($0) }
            rows += tokenizer.handler.takeRows()
            start = end
        }
        try tokenizer.finish()
        rows += tokenizer.handler.takeRows()
        return (rows, tokenizer.handler.mergedRanges)
    }

    @Test func chunkBoundariesDoNotMatter() throws {
        let xml = ForeignFileTests.sheet
        let whole = try parse(xml, chunkSize: 1 << 20)
        #expect(whole.rows.count == 6)
        #expect(whole.merged.count == 2)
        for size in [1, 2, 3, 5, 7, 11, 64] {
            let pieces = try parse(xml, chunkSize: size)
            #expect(pieces.rows == whole.rows, "chunk size \(size)")
            #expect(pieces.merged == whole.merged, "chunk size \(size)")
        }
    }

    @Test func entitiesSplitAcrossChunks() throws {
        let xml = sheetXML("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>A&amp;B&#x4E2D;&#25991;&lt;\r\nz</t></is></c></row>")
        for size in 1...12 {
            let rows = try parse(xml, chunkSize: size).rows
            #expect(rows.first?.value(at: 0) == .string("A&B中文<\nz"), "chunk size \(size)")
        }
    }

    @Test func attributesWithQuotesAndGreaterThan() throws {
        let xml = sheetXML("<row r='2' x=\"a>b\"><c r='B2' t='inlineStr'><is><t>ok</t></is></c></row>",
                           after: "<mergeCells><mergeCell ref=\"$A$1:$B$2\"/></mergeCells>")
        let result = try parse(xml, chunkSize: 3)
        #expect(result.rows.first?.number == 2)
        #expect(result.rows.first?.cells.first?.reference == "B2")
        #expect(result.merged.first?.reference == "A1:B2")
    }

    @Test func malformedInputThrowsInsteadOfTrapping() {
        let bad = [
            "<worksheet><sheetData><row>",              // cut short
            "<worksheet></sheetData></worksheet></x>",  // closing tag without opening
            "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>99</v></c></row></sheetData></worksheet>",
            "no xml at all",
            "<worksheet/><second/>",
            "<worksheet><c r=\"A1",
            "<",
        ]
        for xml in bad {
            #expect(throws: XLSXReadError.self, "\(xml)") { _ = try parse(xml, chunkSize: 4) }
        }
    }

    @Test func oversizedTokenIsRefused() {
        var tokenizer = XMLTokenizer(
            handler: SheetHandler(part: "s", sharedStrings: [], styles: StyleTable(), wantRows: true),
            part: "s", maxTokenBytes: 1000)
        let bytes = Array(("<worksheet a=\"" + String(repeating: "x", count: 5000)).utf8)
        let error = caught(XLSXReadError.self) { try bytes.withUnsafeBufferPointer { try tokenizer.feed($0) } }
        #expect(error?.kind == .limitExceeded)
        #expect(error?.message.contains("maxXMLTokenBytes") == true)
    }

    @Test func cellReferences() {
        func parse(_ s: String) -> (Int, Int?)? {
            var bytes = Array(s.utf8)
            return bytes.withUnsafeMutableBufferPointer { buffer in
                CellReference.parse(XMLBytes(start: buffer.baseAddress!, count: buffer.count)).map { ($0.column, $0.row) }
            }
        }
        #expect(parse("A1")! == (0, 1))
        #expect(parse("xfd1048576")! == (16_383, 1_048_576))
        #expect(parse("$AB$12")! == (27, 12))
        #expect(parse("C")! == (2, nil))
        #expect(parse("A0") == nil)
        #expect(parse("ABCD1") == nil)
        #expect(parse("A1B") == nil)
        #expect(parse("A99999999") == nil)
        #expect(CellReference.parseRange("B3:A1") == XLSXRange(firstRow: 1, firstColumn: 0, lastRow: 3, lastColumn: 1))
        #expect(CellReference.parseRange("A1:") == nil)
    }

    @Test func packagePaths() {
        #expect(PartPath.resolve("worksheets/sheet1.xml", relativeTo: "xl/workbook.xml") == "xl/worksheets/sheet1.xml")
        #expect(PartPath.resolve("/xl/styles.xml", relativeTo: "xl/workbook.xml") == "xl/styles.xml")
        #expect(PartPath.resolve("../customXml/item1.xml", relativeTo: "xl/workbook.xml") == "customXml/item1.xml")
        #expect(PartPath.resolve("xl/workbook.xml", relativeTo: "") == "xl/workbook.xml")
        #expect(PartPath.relsPath(for: "xl/workbook.xml") == "xl/_rels/workbook.xml.rels")
        #expect(PartPath.key("/XL/Workbook.xml") == "xl/workbook.xml")
    }
}

/// The tokenizer's work grows linearly with its input, even when one token spans many chunks
/// (issue 10: a 17 MB attribute took 25 s, the unfinished tag being rescanned on every chunk).
/// Work is counted in bytes examined (`scannedBytes`), not timed.
@Suite struct TokenizerLinearityTests {
    /// Bytes examined to tokenize `xml` fed in 64 KiB chunks, as the reader feeds it.
    static func scanned(_ xml: [UInt8], chunk: Int = 64 * 1024) throws -> Int {
        var tokenizer = XMLTokenizer(
            handler: SheetHandler(part: "s", sharedStrings: [], styles: StyleTable(), wantRows: true),
            part: "s", maxTokenBytes: 64 << 20)
        var start = 0
        while start < xml.count {
            let end = min(xml.count, start + chunk)
            try xml[start..<end].withUnsafeBufferPointer { try tokenizer.feed($0) }
            start = end
        }
        try tokenizer.finish()
        return tokenizer.scannedBytes
    }

    /// A start tag with one attribute of `n` bytes.
    static func hugeAttribute(_ n: Int) -> [UInt8] {
        Array("<worksheet a=\"".utf8) + [UInt8](repeating: 0x78, count: n) + Array("\"><sheetData/></worksheet>".utf8)
    }

    /// One token of each kind whose body is `n` bytes.
    static func token(_ kind: String, _ n: Int) -> [UInt8] {
        switch kind {
        case "attribute": return hugeAttribute(n)
        case "comment": return Array("<worksheet><!--".utf8) + [UInt8](repeating: 0x2D, count: n) + Array("--></worksheet>".utf8)
        case "CDATA": return Array("<worksheet><![CDATA[".utf8) + [UInt8](repeating: 0x5D, count: n) + Array("]]></worksheet>".utf8)
        case "processing instruction":
            return Array("<worksheet><?pi ".utf8) + [UInt8](repeating: 0x3F, count: n) + Array("?></worksheet>".utf8)
        case "end tag": return Array("<worksheet></worksheet".utf8) + [UInt8](repeating: 0x20, count: n) + Array(">".utf8)
        default:   // DOCTYPE, its internal subset nested n deep
            return Array("<!DOCTYPE x [".utf8) + [UInt8](repeating: 0x5B, count: n / 2) + [UInt8](repeating: 0x5D, count: n / 2)
                + Array("]><worksheet/>".utf8)
        }
    }

    @Test(arguments: ["attribute", "comment", "CDATA", "processing instruction", "end tag", "DOCTYPE"])
    func oneTokenOverManyChunks(_ kind: String) throws {
        let small = Self.token(kind, 2 << 20)
        let large = Self.token(kind, 4 << 20)
        let smallWork = try Self.scanned(small)
        let largeWork = try Self.scanned(large)
        // Each byte is examined a bounded number of times; twice the input is about twice the work.
        #expect(smallWork <= 2 * small.count, "\(kind): \(smallWork) bytes examined for \(small.count)")
        #expect(largeWork <= 2 * large.count, "\(kind): \(largeWork) bytes examined for \(large.count)")
        let ratio = Double(largeWork) / Double(smallWork)
        #expect(ratio > 1.8 && ratio < 2.2, "\(kind): work ratio \(ratio) for twice the input")
    }

    /// Many ordinary rows: also linear (the common case must not pay for the resumable scan).
    @Test func manyRows() throws {
        func sheet(_ rows: Int) -> [UInt8] {
            Array(sheetXML(String(repeating: "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>支出 &amp; 收入</t></is></c><c r=\"B1\"><v>12.5</v></c></row>",
                                  count: rows)).utf8)
        }
        let small = sheet(20_000), large = sheet(40_000)
        let smallWork = try Self.scanned(small), largeWork = try Self.scanned(large)
        #expect(smallWork <= 2 * small.count)
        let ratio = Double(largeWork) / Double(smallWork)
        #expect(ratio > 1.9 && ratio < 2.1, "work ratio \(ratio)")
    }
}
