import Foundation
import Testing
@testable import BudgetXLSX

/// Bad files end in an XLSXReadError a clerk can act on, never in a crash or a hang.
@Suite struct ReaderErrorTests {
    private func validFile(in dir: TempDir) throws -> URL {
        let url = dir.file("valid.xlsx")
        try RoundTripTests.writeSample(to: url)
        return url
    }

    @Test func randomBytesAreNotAZip() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("random.xlsx")
        var generator = SystemRandomNumberGenerator()
        try Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: url)
        let error = caught(XLSXReadError.self) { _ = try XLSXReader(url: url) }
        #expect(error?.kind == .notZip)
        #expect(error?.message == "文件不是有效的 XLSX（不是 zip 文件）")

        try Data().write(to: url)
        #expect(caught(XLSXReadError.self) { _ = try XLSXReader(url: url) }?.kind == .notZip)
    }

    @Test func oldXlsOrEncryptedWorkbookIsNamed() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("old.xlsx")
        try Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 512)).write(to: url)
        let error = caught(XLSXReadError.self) { _ = try XLSXReader(url: url) }
        #expect(error?.kind == .legacyOrEncrypted)
        #expect(error?.message.contains(".xls") == true)
    }

    @Test func missingOrUnreadableFile() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        #expect(caught(XLSXReadError.self) { _ = try XLSXReader(url: dir.file("nope.xlsx")) }?.kind == .fileUnreadable)
        #expect(caught(XLSXReadError.self) { _ = try XLSXReader(url: dir.url) }?.kind == .fileUnreadable)
    }

    @Test func fileCutInHalfIsDamaged() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let data = try Data(contentsOf: try validFile(in: dir))
        for length in [data.count / 2, data.count - 1, 30, 4] {
            let url = dir.file("cut-\(length).xlsx")
            try data.prefix(length).write(to: url)
            let error = caught(XLSXReadError.self) { _ = try XLSXReader(url: url) }
            #expect(error?.kind == .damagedZip, "cut at \(length)")
            #expect(error?.message.contains("损坏") == true)
        }
    }

    @Test func flippedBytesInsideADeflateStreamAreDamaged() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let original = try Data(contentsOf: try validFile(in: dir))
        // Corrupt the middle of the file (entry data), keeping the directory at the end intact.
        var sawDamage = false
        for offset in stride(from: 200, to: original.count / 2, by: 97) {
            var data = original
            data[offset] ^= 0xFF
            let url = dir.file("flip.xlsx")
            try data.write(to: url)
            do {
                let reader = try XLSXReader(url: url)
                for sheet in reader.sheets { _ = try reader.read(sheet: sheet.name) }
            } catch let error as XLSXReadError {
                sawDamage = sawDamage || error.kind == .damagedZip
            }
        }
        #expect(sawDamage)
    }

    @Test func missingSheetListsTheSheetsThatExist() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let reader = try XLSXReader(url: try validFile(in: dir))
        let error = caught(XLSXReadError.self) { _ = try reader.rows(sheet: "支出表") }
        #expect(error?.kind == .sheetNotFound)
        #expect(error?.message == "找不到工作表“支出表”，文件中的工作表有：“收支总表”、“Lists”")
    }

    @Test func zipWithoutWorkbookIsNotAnXLSX() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("plain.xlsx")
        try makeZip(at: url, [("readme.txt", Data("hello".utf8))])
        let error = caught(XLSXReadError.self) { _ = try XLSXReader(url: url) }
        #expect(error?.kind == .missingPart)
        #expect(error?.message == "文件不是有效的 XLSX：缺少 xl/workbook.xml")
    }

    @Test func sheetPartMissingFromThePackage() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("nosheet.xlsx")
        try makeWorkbookZip(at: url, sheets: [("A", sheetXML(""))])
        // Rebuild without the sheet part but with the workbook still listing it.
        let source = try XLSXReader(url: url)
        #expect(source.sheets.count == 1)
        let broken = dir.file("broken.xlsx")
        try makeZip(at: broken, [
            ("_rels/.rels", Data(try zipPart(url, "_rels/.rels").utf8)),
            ("xl/workbook.xml", Data(try zipPart(url, "xl/workbook.xml").utf8)),
            ("xl/_rels/workbook.xml.rels", Data(try zipPart(url, "xl/_rels/workbook.xml.rels").utf8)),
        ])
        let reader = try XLSXReader(url: broken)
        let error = caught(XLSXReadError.self) { _ = try reader.rows(sheet: "A") }
        #expect(error?.kind == .missingPart)
        #expect(error?.message.contains("xl/worksheets/sheet1.xml") == true)
    }

    @Test func sheetXMLCutShortIsMalformed() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("cutxml.xlsx")
        let full = sheetXML("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"2\"><c r=\"A2\"><v>2</v></c></row>")
        try makeWorkbookZip(at: url, sheets: [("A", String(full.prefix(full.count - 40)))])
        let reader = try XLSXReader(url: url)
        var delivered: [Int] = []
        let error = caught(XLSXReadError.self) { try reader.forEachRow(sheet: "A") { delivered.append($0.number) } }
        #expect(error?.kind == .malformedXML)
        #expect(delivered == [1])
    }

    @Test func sharedStringIndexOutOfRangeIsMalformed() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("sst.xlsx")
        try makeWorkbookZip(at: url, sheets: [("A", sheetXML("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c></row>"))],
                            sharedStrings: "<sst><si><t>only one</t></si></sst>")
        let error = caught(XLSXReadError.self) { _ = try XLSXReader(url: url).rows(sheet: "A") }
        #expect(error?.kind == .malformedXML)
        #expect(error?.detail.contains("A1") == true)
    }

    /// A sheet that inflates far beyond a small limit: the read stops near the limit.
    @Test func zipBombStopsAtThePerEntryLimit() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("bomb.xlsx")
        let row = "<row r=\"1\"><c r=\"A1\"><v>0</v></c></row>"
        let big = sheetXML(String(repeating: row, count: 200_000))   // about 8 MB, compresses to KBs
        try makeWorkbookZip(at: url, sheets: [("A", big)])
        #expect(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0 < 200_000)

        let limit: UInt64 = 1 << 20
        let reader = try XLSXReader(url: url, limits: XLSXReadLimits(maxEntryInflatedBytes: limit))
        let error = caught(XLSXReadError.self) { _ = try reader.rows(sheet: "A") }
        #expect(error?.kind == .sizeLimitExceeded)
        #expect(error?.message.contains("1 MiB") == true)
        #expect(error?.detail.contains("1048576") == true)
        // Stopped early: the declared size is over the limit, so nothing was inflated for the sheet.
        #expect(reader.inflatedBytes < limit)
    }

    @Test func zipBombStopsAtTheTotalLimit() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("bomb-total.xlsx")
        let row = "<row><c><v>0</v></c></row>"
        try makeWorkbookZip(at: url, sheets: [("A", sheetXML(String(repeating: row, count: 100_000))),
                                              ("B", sheetXML(String(repeating: row, count: 100_000)))])
        let limit: UInt64 = 3 << 20
        let reader = try XLSXReader(url: url, limits: XLSXReadLimits(maxTotalInflatedBytes: limit))
        var rowsA = 0
        try reader.forEachRow(sheet: "A") { _ in rowsA += 1 }
        #expect(rowsA == 100_000)
        let error = caught(XLSXReadError.self) { try reader.forEachRow(sheet: "B") { _ in } }
        #expect(error?.kind == .sizeLimitExceeded)
        #expect(error?.message.contains("总大小") == true)
        #expect(reader.inflatedBytes <= limit + 64 * 1024)
    }

    /// A header that under-declares the inflated size: inflating stops at the first chunk past it.
    @Test func lyingDeclaredSizeIsCaughtWhileInflating() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("liar.zip")
        try makeZip(at: url, [("big.xml", Data(repeating: 0x20, count: 4 << 20))])
        var bytes = [UInt8](try Data(contentsOf: url))
        // Patch the central directory's uncompressed size (offset 24 in the entry) to 100 bytes.
        let cd = try #require(lastIndex(of: [0x50, 0x4B, 0x01, 0x02], in: bytes))
        bytes.replaceSubrange((cd + 24)..<(cd + 28), with: [100, 0, 0, 0])
        try Data(bytes).write(to: url)

        let archive = try ZipArchive(path: url.path, maxEntryCount: 10)
        var produced = 0
        let error = caught(XLSXReadError.self) {
            try archive.extract(archive.entries[0]) { produced += $0.count }
        }
        #expect(error?.kind == .damagedZip)
        #expect(produced == 0, "the first chunk already passes the declared size")
    }

    /// A deflate stream that runs off the end of its data (here a stored block claiming 1000
    /// bytes): ZIPFoundation 0.9.20 on Linux feeds zlib uninitialised memory here; we stop.
    @Test func deflateStreamEndingEarlyIsDamagedNotAHang() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("short.zip")
        let name = Array("a.xml".utf8)
        let payload: [UInt8] = [0x00, 0xE8, 0x03, 0x17, 0xFC] + Array("hello".utf8)
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16 & 0xFFFF) }
        let local = le32(0x0403_4B50) + le16(20) + le16(0) + le16(8) + le16(0) + le16(0) + le32(0)
            + le32(payload.count) + le32(1000) + le16(name.count) + le16(0) + name + payload
        let central = le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(8) + le16(0) + le16(0) + le32(0)
            + le32(payload.count) + le32(1000) + le16(name.count) + le16(0) + le16(0) + le16(0) + le16(0)
            + le32(0) + le32(0) + name
        let end = le32(0x0605_4B50) + le16(0) + le16(0) + le16(1) + le16(1) + le32(central.count)
            + le32(local.count) + le16(0)
        try Data(local + central + end).write(to: url)

        let archive = try ZipArchive(path: url.path, maxEntryCount: 10)
        let error = caught(XLSXReadError.self) { try archive.extract(archive.entries[0]) { _ in } }
        #expect(error?.kind == .damagedZip)
        #expect(error?.detail.contains("ends early") == true)
    }

    @Test func tooManyEntriesIsRefused() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("many.xlsx")
        try makeZip(at: url, (0..<30).map { ("f\($0).txt", Data("x".utf8)) })
        let error = caught(XLSXReadError.self) { _ = try XLSXReader(url: url, limits: XLSXReadLimits(maxEntryCount: 20)) }
        #expect(error?.kind == .limitExceeded)
        #expect(error?.message.contains("30 个，超过读取上限 20 个（maxEntryCount）") == true)
    }

    private func lastIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        var i = haystack.count - needle.count
        while i >= 0 {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
            i -= 1
        }
        return nil
    }
}
