import Foundation
import Testing
@testable import BudgetXLSX

/// Crafted zip structures: every offset and size in them is checked before it is used, so a file
/// ends in an XLSXReadError, never in an arithmetic trap.
@Suite struct ZipArchiveTests {
    static func le16(_ v: UInt64) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    static func le32(_ v: UInt64) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16 & 0xFFFF) }
    static func le64(_ v: UInt64) -> [UInt8] { le32(v & 0xFFFF_FFFF) + le32(v >> 32) }

    /// End of central directory: `entries` on this disk and in all, directory size and offset.
    static func eocd(entries: UInt64, size: UInt64, offset: UInt64) -> [UInt8] {
        le32(0x0605_4B50) + le16(0) + le16(0) + le16(entries) + le16(entries) + le32(size) + le32(offset) + le16(0)
    }

    /// The ZIP64 locator: points at the ZIP64 end-of-directory record.
    static func zip64Locator(recordOffset: UInt64) -> [UInt8] {
        le32(0x0706_4B50) + le32(0) + le64(recordOffset) + le32(1)
    }

    /// The 56-byte ZIP64 end-of-directory record.
    static func zip64Record(entries: UInt64, size: UInt64, offset: UInt64) -> [UInt8] {
        le32(0x0606_4B50) + le64(44) + le16(45) + le16(45) + le32(0) + le32(0) + le64(entries) + le64(entries)
            + le64(size) + le64(offset)
    }

    private func open(_ bytes: [UInt8], in dir: TempDir) throws -> XLSXReadError? {
        let url = dir.file("crafted.zip")
        try Data(bytes).write(to: url)
        return caught(XLSXReadError.self) {
            let archive = try ZipArchive(path: url.path, maxEntryCount: 10_000)
            for entry in archive.entries { try archive.extract(entry) { _ in } }
        }
    }

    /// Issue 10: 46 bytes (a local-header signature, a ZIP64 locator, a saturated EOCD) trapped
    /// at `fileSize - 56` (exit 132).
    @Test func zip64LocatorInAFileShorterThanItsRecord() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let bytes = Array("PK\u{3}\u{4}".utf8) + Self.zip64Locator(recordOffset: 0)
            + Self.eocd(entries: 0xFFFF, size: 0xFFFF_FFFF, offset: 0xFFFF_FFFF)
        #expect(bytes.count == 46)
        let error = try open(bytes, in: dir)
        #expect(error?.kind == .damagedZip)
        #expect(error?.detail.contains("ZIP64") == true)
    }

    /// ZIP64 records whose fields are saturated or point anywhere: refused, no trap.
    @Test func zip64RecordWithExtremeFields() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let extremes: [UInt64] = [0, 1, 45, 46, 56, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000,
                                  0xFFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFE, 0xFFFF_FFFF_FFFF_FFFF]
        var cases = 0
        for entries in extremes {
            for size in extremes {
                for offset in extremes {
                    let head = Array("PK\u{3}\u{4}".utf8) + [UInt8](repeating: 0, count: 60)
                    let record = Self.zip64Record(entries: entries, size: size, offset: offset)
                    let bytes = head + record + Self.zip64Locator(recordOffset: UInt64(head.count))
                        + Self.eocd(entries: 0xFFFF, size: 0xFFFF_FFFF, offset: 0xFFFF_FFFF)
                    let error = try open(bytes, in: dir)
                    if entries != 0 { #expect(error != nil, "entries \(entries) size \(size) offset \(offset)") }
                    cases += 1
                }
            }
            // The locator itself pointing anywhere, including past the end and at Int64's edge.
            let bytes = Array("PK\u{3}\u{4}".utf8) + Self.zip64Locator(recordOffset: entries)
                + Self.eocd(entries: 0xFFFF, size: 0xFFFF_FFFF, offset: 0xFFFF_FFFF)
            #expect(try open(bytes, in: dir)?.kind == .damagedZip, "locator offset \(entries)")
            cases += 1
        }
        print("ZIP64 extreme-field cases: \(cases)")
    }

    /// A central-directory entry and local header whose sizes and offsets are extreme, with and
    /// without a ZIP64 extra field: refused, no trap.
    @Test func directoryEntryWithExtremeFields() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let extremes: [UInt64] = [0, 1, 29, 30, 0x7FFF_FFFF, 0xFFFF_FFFE, 0xFFFF_FFFF,
                                  0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF_FFFF_FFFF]
        let name = Array("a.xml".utf8)
        var cases = 0
        for method: UInt64 in [0, 8] {
            for csize in extremes {
                for usize in extremes {
                    for offset in extremes {
                        let local = Self.le32(0x0403_4B50) + Self.le16(20) + Self.le16(0) + Self.le16(method)
                            + Self.le32(0) + Self.le32(0) + Self.le32(csize) + Self.le32(usize)
                            + Self.le16(UInt64(name.count)) + Self.le16(0xFFFF) + name + Array("hello".utf8)
                        let extra = Self.le16(1) + Self.le16(24) + Self.le64(usize) + Self.le64(csize) + Self.le64(offset)
                        let central = Self.le32(0x0201_4B50) + Self.le16(45) + Self.le16(45) + Self.le16(0)
                            + Self.le16(method) + Self.le32(0) + Self.le32(0)
                            + Self.le32(min(csize, 0xFFFF_FFFF)) + Self.le32(min(usize, 0xFFFF_FFFF))
                            + Self.le16(UInt64(name.count)) + Self.le16(UInt64(extra.count)) + Self.le16(0)
                            + Self.le16(0) + Self.le16(0) + Self.le32(0) + Self.le32(min(offset, 0xFFFF_FFFF))
                            + name + extra
                        let bytes = local + central
                            + Self.eocd(entries: 1, size: UInt64(central.count), offset: UInt64(local.count))
                        _ = try open(bytes, in: dir)
                        cases += 1
                    }
                }
            }
        }
        print("central-directory extreme-field cases: \(cases)")
    }

    /// Negative and huge configured limits are limits, not traps.
    @Test func extremeEntryCountLimits() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("two.zip")
        try makeZip(at: url, [("a.txt", Data("a".utf8)), ("b.txt", Data("b".utf8))])
        #expect(try ZipArchive(path: url.path, maxEntryCount: Int.max).entries.count == 2)
        let error = caught(XLSXReadError.self) { _ = try ZipArchive(path: url.path, maxEntryCount: -1) }
        #expect(error?.kind == .limitExceeded)
    }
}
