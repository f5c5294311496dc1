import Foundation
import Testing
@testable import BudgetXLSX

/// Damaged input of every kind: the reader throws XLSXReadError and never traps or hangs.
@Suite struct FuzzTests {
    /// SplitMix64: a seeded generator so a failure can be replayed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Reads everything a caller could read; only XLSXReadError may come out.
    private func readAll(_ url: URL) -> XLSXReadError? {
        do {
            let reader = try XLSXReader(url: url, limits: XLSXReadLimits(maxTotalInflatedBytes: 64 << 20))
            for sheet in reader.sheets { _ = try reader.read(sheet: sheet.name) }
            return nil
        } catch let error as XLSXReadError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    /// Uncompressed entries, so mutations reach the XML tokenizer rather than only zlib.
    @Test func mutatedStoredPackage() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let source = dir.file("source.xlsx")
        try makeWorkbookZip(at: dir.file("tmp.xlsx"), sheets: [("数据", ForeignFileTests.sheet)],
                            sharedStrings: ForeignFileTests.sharedStrings, styles: ForeignFileTests.styles)
        // Re-pack stored.
        let parts = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                     "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"]
        try makeZip(at: source, try parts.map { ($0, Data(try zipPart(dir.file("tmp.xlsx"), $0).utf8)) },
                    compress: false)
        #expect(readAll(source) == nil)

        let original = [UInt8](try Data(contentsOf: source))
        var rng = SeededGenerator(state: 20_250_101)
        let target = dir.file("mutant.xlsx")
        for _ in 0..<400 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes[at] = Array("<>&\"'/=;#x".utf8).randomElement(using: &rng) ?? 0
                default: bytes[at] ^= 0x80
                }
            }
            try Data(bytes).write(to: target)
            _ = readAll(target)
        }
    }

    @Test func mutatedDeflatedPackage() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let source = dir.file("source.xlsx")
        try RoundTripTests.writeSample(to: source)
        let original = [UInt8](try Data(contentsOf: source))
        var rng = SeededGenerator(state: 42)
        let target = dir.file("mutant.xlsx")
        for _ in 0..<300 {
            var bytes = original
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            bytes[at] = UInt8.random(in: 0...255, using: &rng)
            if Bool.random(using: &rng) { bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng))) }
            try Data(bytes).write(to: target)
            _ = readAll(target)
        }
    }

    @Test func randomBytesThroughTheTokenizer() throws {
        var rng = SeededGenerator(state: 7)
        let alphabet = Array("<>/=\"' ?!-[]CDATA&#x;amp row c r v t is f sheetData mergeCell ref A1 9".utf8)
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...120, using: &rng)).map { _ in
                alphabet.randomElement(using: &rng) ?? 0
            }
            var tokenizer = XMLTokenizer(
                handler: SheetHandler(part: "s", sharedStrings: ["x"], styles: StyleTable(), wantRows: true),
                part: "s", maxTokenBytes: 64)
            do {
                var start = 0
                while start < bytes.count {
                    let end = min(bytes.count, start + Int.random(in: 1...16, using: &rng))
                    try bytes[start..<end].withUnsafeBufferPointer { try tokenizer.feed($0) }
                    _ = tokenizer.handler.takeRows()
                    start = end
                }
                try tokenizer.finish()
            } catch is XLSXReadError {
                continue
            }
        }
    }
}

/// Structure-aware fuzzers (issue 10): zip-level and XML-level mutations, floods of merged ranges,
/// huge attributes, truncated parts. Each prints its case count and time. Checks: no trap, only
/// `XLSXReadError` comes out, and the reader's limits hold (inflated bytes, merged ranges, their
/// cells). `BUDGET_FUZZ_SCALE=N` runs N times the cases (the figures in the report are from N = 20).
@Suite struct StructuredFuzzTests {
    static var scale: Int { Int(ProcessInfo.processInfo.environment["BUDGET_FUZZ_SCALE"] ?? "") ?? 1 }

    /// Small limits, so a mutant that inflates or floods hits them quickly.
    static let limits = XLSXReadLimits(maxTotalInflatedBytes: 8 << 20, maxEntryInflatedBytes: 4 << 20,
                                       maxEntryCount: 64, maxXMLTokenBytes: 64 << 10,
                                       maxMergedRanges: 2_000, maxMergedCells: 200_000)

    /// What a run of cases came to.
    struct Tally: CustomStringConvertible {
        var cases = 0, read = 0, refused = 0
        var kinds: [String: Int] = [:]
        var description: String {
            "\(cases) cases: \(read) read, \(refused) refused ("
                + kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
        }
    }

    /// Reads everything a caller could read under `limits`, checking the limits held.
    static func readAll(_ url: URL, _ tally: inout Tally, limits: XLSXReadLimits = limits) {
        tally.cases += 1
        var reader: XLSXReader?
        do {
            let r = try XLSXReader(url: url, limits: limits)
            reader = r
            for sheet in r.sheets {
                let read = try r.read(sheet: sheet.name)
                #expect(read.mergedRanges.count <= limits.maxMergedRanges)
                let cells = read.mergedRanges.reduce(0) {
                    $0 + ($1.lastRow - $1.firstRow + 1) * ($1.lastColumn - $1.firstColumn + 1)
                }
                #expect(cells <= limits.maxMergedCells)
            }
            tally.read += 1
        } catch let error as XLSXReadError {
            tally.refused += 1
            tally.kinds["\(error.kind)", default: 0] += 1
        } catch {
            Issue.record("unexpected error type: \(error)")
        }
        if let reader {
            // One chunk may pass the limit before the check stops the read.
            #expect(reader.inflatedBytes <= limits.maxTotalInflatedBytes + 64 * 1024)
        }
    }

    /// The parts of a small workbook that exercises every reader path.
    static func parts() -> [(String, Data)] {
        let sheet = sheetXML(
            #"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>项目</t></is></c><c r="C1" s="1"><v>45658</v></c></row>"#
            + #"<row r="2"><c r="A2" t="inlineStr"/><c r="B2" t="str"><f>A1&amp;"x"</f><v>结果</v></c><c r="C2" t="b"><v>1</v></c></row>"#
            + #"<row r="3"><c r="A3"><v>2080501</v></c><c r="B3" t="e"><v>#N/A</v></c><c r="C3" t="d"><v>2025-01-01</v></c></row>"#,
            after: #"<mergeCells count="2"><mergeCell ref="A1:B1"/><mergeCell ref="C2:C3"/></mergeCells>"#)
        let shared = #"<sst count="2" uniqueCount="2"><si><t>一般公共预算</t></si><si><r><t>富</t></r><r><t>文本</t></r></si></sst>"#
        let styles = #"<styleSheet><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>"#
        return [
            ("[Content_Types].xml", Data(#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#.utf8)),
            ("_rels/.rels", Data(#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.utf8)),
            ("xl/workbook.xml", Data(#"<workbook xmlns:r="r"><workbookPr date1904="0"/><sheets><sheet name="支出明细" sheetId="1" r:id="rId1"/></sheets></workbook>"#.utf8)),
            ("xl/_rels/workbook.xml.rels", Data(#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#.utf8)),
            ("xl/worksheets/sheet1.xml", Data(sheet.utf8)),
            ("xl/sharedStrings.xml", Data(shared.utf8)),
            ("xl/styles.xml", Data(styles.utf8)),
        ]
    }

    /// Offsets of every zip structure and its fields, for mutations that hit fields, not just bytes.
    static func structureFields(_ bytes: [UInt8]) -> [(offset: Int, width: Int)] {
        var fields: [(Int, Int)] = []
        func u32(_ i: Int) -> UInt32 {
            UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
        }
        var i = 0
        while i + 4 <= bytes.count {
            switch u32(i) {
            case 0x0403_4B50:   // local header
                fields += [(i + 6, 2), (i + 8, 2), (i + 14, 4), (i + 18, 4), (i + 22, 4), (i + 26, 2), (i + 28, 2)]
            case 0x0201_4B50:   // central directory entry
                fields += [(i + 8, 2), (i + 10, 2), (i + 16, 4), (i + 20, 4), (i + 24, 4), (i + 28, 2), (i + 30, 2),
                           (i + 32, 2), (i + 42, 4)]
            case 0x0605_4B50:   // end of central directory
                fields += [(i + 8, 2), (i + 10, 2), (i + 12, 4), (i + 16, 4), (i + 20, 2)]
            case 0x0706_4B50:   // ZIP64 locator
                fields += [(i + 8, 8)]
            case 0x0606_4B50:   // ZIP64 record
                fields += [(i + 24, 8), (i + 32, 8), (i + 40, 8), (i + 48, 8)]
            default: break
            }
            i += 1
        }
        return fields
    }

    static let boundaries: [UInt64] = [0, 1, 2, 29, 30, 45, 46, 55, 56, 0x7F, 0xFF, 0xFFFE, 0xFFFF, 0x1_0000,
                                       0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF,
                                       0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF]

    static func write(_ value: UInt64, width: Int, at offset: Int, in bytes: inout [UInt8]) {
        for k in 0..<width where offset + k < bytes.count { bytes[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
    }

    /// Zip-level mutations: fields set to boundary values or near the file's size, a ZIP64
    /// locator and record spliced before the end record, truncation, flipped bytes.
    @Test func zipStructureMutations() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var bases: [[UInt8]] = []
        for compress in [false, true] {
            let url = dir.file("base-\(compress).xlsx")
            try makeZip(at: url, Self.parts(), compress: compress)
            bases.append([UInt8](try Data(contentsOf: url)))
        }
        var rng = FuzzTests.SeededGenerator(state: 2025_10)
        var tally = Tally()
        let started = Date()
        let target = dir.file("mutant.xlsx")
        for _ in 0..<(2_000 * Self.scale) {
            var bytes = bases.randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let fields = Self.structureFields(bytes)
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<5:
                    guard let field = fields.randomElement(using: &rng) else { break }
                    let size = UInt64(bytes.count)
                    let value = Bool.random(using: &rng) ? Self.boundaries.randomElement(using: &rng)!
                        : size &+ UInt64(bitPattern: Int64.random(in: -70...70, using: &rng))
                    Self.write(value, width: field.width, at: field.offset, in: &bytes)
                case 5, 6:
                    // Saturate the end record and splice a ZIP64 locator (and maybe a record) before it.
                    guard bytes.count >= 22, let eocd = (0...(bytes.count - 22)).reversed().first(where: {
                        bytes[$0] == 0x50 && bytes[$0 + 1] == 0x4B && bytes[$0 + 2] == 5 && bytes[$0 + 3] == 6
                    }) else { break }
                    Self.write(0xFFFF, width: 2, at: eocd + 10, in: &bytes)
                    Self.write(0xFFFF_FFFF, width: 4, at: eocd + 12, in: &bytes)
                    Self.write(0xFFFF_FFFF, width: 4, at: eocd + 16, in: &bytes)
                    var splice: [UInt8] = []
                    let recordOffset = UInt64(eocd)
                    if Bool.random(using: &rng) {
                        splice += ZipArchiveTests.zip64Record(entries: Self.boundaries.randomElement(using: &rng)!,
                                                              size: Self.boundaries.randomElement(using: &rng)!,
                                                              offset: Self.boundaries.randomElement(using: &rng)!)
                    }
                    let locatorTarget = Bool.random(using: &rng) ? recordOffset : Self.boundaries.randomElement(using: &rng)!
                    splice += ZipArchiveTests.zip64Locator(recordOffset: locatorTarget)
                    bytes.insert(contentsOf: splice, at: eocd)
                case 7:
                    bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
                default:
                    let at = Int.random(in: 0..<bytes.count, using: &rng)
                    bytes[at] = UInt8.random(in: 0...255, using: &rng)
                }
                if bytes.isEmpty { break }
            }
            try Data(bytes).write(to: target)
            Self.readAll(target, &tally)
        }
        print("ZIP structure fuzz: \(tally), \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        #expect(tally.cases == 2_000 * Self.scale)
    }

    /// Fragments that reach the reader's edges: empty-cell forms, bad references and bytes,
    /// unfinished tokens, merged ranges, huge row numbers.
    static let fragments: [[UInt8]] = ([
        #"<c r="A1" t="inlineStr"/>"#, #"<c t="s"/>"#, "<is/>", "<v></v>", "<t/>", "</c>", "<c>", "</row>", "<row>",
        #"<row r="9999999">"#, #"<c r="XFD1048576">"#, #"<c r="ZZZ9999999">"#, "&#0;", "&#xD800;", "&#x110000;", "&amp",
        "&nbsp;", "&", "<![CDATA[", "]]>", "<!--", "-->", "<?x", "?>", "<!DOCTYPE x [", "]>", "\"", "'", "<", ">", "/>",
        #"<mergeCell ref="A1:ZZZ9"/>"#, #"<mergeCell ref="A1:B2"/><mergeCell ref="B2:C3"/>"#, #"<mergeCell ref="A0"/>"#,
        "<mergeCells>", "</mergeCells>", "<sheetData>", "</sheetData>", #"<f t="shared" si="0"/>"#, "<rPh>", "_x0000_",
    ].map { Array($0.utf8) }) + [[0xFF], [0xE9], [0xE5, 0xA4], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xEF, 0xBF, 0xBE], [0x00], [0x01]]

    /// XML-level mutations of one part at a time (deletions, duplications, inserted fragments,
    /// truncation), packed stored so the tokenizer and the handlers see them.
    @Test func xmlMutations() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let base = Self.parts()
        var rng = FuzzTests.SeededGenerator(state: 2025_11)
        var tally = Tally()
        let started = Date()
        let target = dir.file("mutant.xlsx")
        for _ in 0..<(1_500 * Self.scale) {
            var files = base
            let which = Int.random(in: 1..<files.count, using: &rng)
            var bytes = [UInt8](files[which].1)
            for _ in 0..<Int.random(in: 1...4, using: &rng) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                let span = min(bytes.count - at, Int.random(in: 1...24, using: &rng))
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: bytes.removeSubrange(at..<(at + span))
                case 1: bytes.insert(contentsOf: Array(bytes[at..<(at + span)]), at: at)
                case 2, 3: bytes.insert(contentsOf: Self.fragments.randomElement(using: &rng)!, at: at)
                default: bytes = Array(bytes.prefix(at))
                }
            }
            files[which].1 = Data(bytes)
            try makeZip(at: target, files, compress: false)
            Self.readAll(target, &tally)
        }
        print("XML mutation fuzz: \(tally), \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        #expect(tally.cases == 1_500 * Self.scale)
    }

    /// Hostile shapes at and around the limits: floods of merged ranges (narrow, wide, whole
    /// columns, overlapping), attributes and texts of the token limit ±1, every part cut short.
    @Test func hostileShapes() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var rng = FuzzTests.SeededGenerator(state: 2025_12)
        var tally = Tally()
        let started = Date()
        let target = dir.file("hostile.xlsx")
        let limits = Self.limits
        func sheet(_ xml: String) throws {
            var files = Self.parts()
            files[4].1 = Data(xml.utf8)
            try makeZip(at: target, files)
        }
        for _ in 0..<(60 * Self.scale) {
            let count = [1, 10, limits.maxMergedRanges - 1, limits.maxMergedRanges, limits.maxMergedRanges + 1,
                         Int.random(in: 1...5_000, using: &rng)].randomElement(using: &rng)!
            var refs: [String] = []
            for i in 1...count {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: refs.append("A\(i):ZZZ\(i)")
                case 1: refs.append("\(columnLetters(i % 16_384))1:\(columnLetters(i % 16_384))1048576")
                case 2: refs.append("A\(i):B\(i)")
                default:
                    let r = Int.random(in: 1...50, using: &rng), c = Int.random(in: 0...30, using: &rng)
                    refs.append("\(columnLetters(c))\(r):\(columnLetters(c + Int.random(in: 0...3, using: &rng)))\(r + Int.random(in: 0...3, using: &rng))")
                }
            }
            try sheet(sheetXML("", after: "<mergeCells>" + refs.map { "<mergeCell ref=\"\($0)\"/>" }.joined() + "</mergeCells>"))
            Self.readAll(target, &tally)
        }
        for size in [limits.maxXMLTokenBytes - 64, limits.maxXMLTokenBytes - 1, limits.maxXMLTokenBytes, limits.maxXMLTokenBytes + 1,
                     4 * limits.maxXMLTokenBytes] {
            let value = String(repeating: "x", count: size)
            for xml in [sheetXML(#"<row r="1" x=""# + value + #""/>"#),
                        sheetXML(#"<row r="1"><c r="A1" t="inlineStr"><is><t>"# + value + "</t></is></c></row>"),
                        sheetXML("<!--" + value + "-->"),
                        sheetXML(#"<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA["# + value + "]]></t></is></c></row>")] {
                try sheet(xml)
                Self.readAll(target, &tally)
            }
        }
        // Every part cut at every 7th byte.
        for (index, part) in Self.parts().enumerated() {
            for cut in stride(from: 0, to: part.1.count, by: 7) {
                var files = Self.parts()
                files[index].1 = part.1.prefix(cut)
                try makeZip(at: target, files)
                Self.readAll(target, &tally)
            }
        }
        print("hostile-shape fuzz: \(tally), \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }
}
