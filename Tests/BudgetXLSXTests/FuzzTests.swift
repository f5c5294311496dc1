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
