internal import CXlsxWriter
import Foundation

/// One file in the zip's central directory.
struct ZipEntry: Sendable {
    /// As stored, with `\` turned into `/`.
    let path: String
    let method: UInt16
    let flags: UInt16
    let crc32: UInt32
    let compressedSize: UInt64
    let uncompressedSize: UInt64
    let localHeaderOffset: UInt64
}

/// A read-only zip reader: central directory (with ZIP64), stored and deflated entries.
///
/// Why not ZIPFoundation's `extract(_:consumer:)`: on Linux (0.9.20) it hands zlib
/// `avail_in = bufferSize` even when fewer bytes were read, so a cut or crafted deflate stream makes
/// zlib consume uninitialised memory (valgrind shows it) and the result is undefined. Here every
/// read is bounded by the entry's compressed size, a stream that ends early is an error, output
/// larger than the declared size stops at once, and the CRC is checked.
///
/// Every offset and size read from the file is checked before arithmetic uses it (subtractions
/// only below a checked bound, sums and products with overflow reported), so no input traps.
final class ZipArchive {
    let path: String
    let fileSize: UInt64
    let entries: [ZipEntry]
    private let fd: Int32

    init(path: String, maxEntryCount: Int) throws(XLSXReadError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .fileUnreadable(path, String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, let size = UInt64(exactly: info.st_size) else {
            close(fd)
            throw .fileUnreadable(path, "not a regular file")
        }
        self.fd = fd
        self.fileSize = size
        do {
            try Self.sniff(fd: fd, size: fileSize, path: path)
            entries = try Self.readCentralDirectory(fd: fd, fileSize: fileSize, path: path,
                                                    maxEntryCount: maxEntryCount)
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    // MARK: Opening

    /// Tells "not a zip" and "old .xls or encrypted" apart from "damaged zip" before parsing.
    private static func sniff(fd: Int32, size: UInt64, path: String) throws(XLSXReadError) {
        var head = [UInt8](repeating: 0, count: 8)
        let n = try readFully(fd: fd, into: &head, at: 0, path: path)
        let ole2: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
        if n == 8 && head == ole2 { throw .legacyOrEncrypted(path) }
        let isZip = n >= 4 && head[0] == 0x50 && head[1] == 0x4B
            && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6))
        if !isZip { throw .notZip(path) }
    }

    private static func readCentralDirectory(fd: Int32, fileSize: UInt64, path: String,
                                             maxEntryCount: Int) throws(XLSXReadError) -> [ZipEntry] {
        // End of central directory: 22 bytes plus a comment of up to 65535 bytes, at the very end.
        let tailSize = Int(min(fileSize, 22 + 65_535))
        guard tailSize >= 22 else { throw .damagedZip(path, "file too short for a zip directory") }
        var tail = [UInt8](repeating: 0, count: tailSize)
        let tailStart = fileSize - UInt64(tailSize)
        _ = try readFully(fd: fd, into: &tail, at: tailStart, path: path)
        var eocd: Int?
        var i = tailSize - 22
        while i >= 0 {
            if tail.u32(i) == 0x0605_4B50 { eocd = i; break }
            i -= 1
        }
        guard let eocd else {
            throw .damagedZip(path, "no end-of-central-directory record (file cut short?)")
        }
        var entryCount = UInt64(tail.u16(eocd + 10) ?? 0)
        var cdSize = UInt64(tail.u32(eocd + 12) ?? 0)
        var cdOffset = UInt64(tail.u32(eocd + 16) ?? 0)
        let eocdOffset = tailStart + UInt64(eocd)

        if entryCount == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
            // ZIP64: a 20-byte locator sits just before the EOCD and points at the ZIP64 record.
            guard eocdOffset >= 20 else { throw .damagedZip(path, "ZIP64 locator missing") }
            let locatorOffset = eocdOffset - 20
            var locator = [UInt8](repeating: 0, count: 20)
            _ = try readFully(fd: fd, into: &locator, at: locatorOffset, path: path)
            guard locator.u32(0) == 0x0706_4B50, let recordOffset = locator.u64(8) else {
                throw .damagedZip(path, "ZIP64 locator missing")
            }
            // The 56-byte record lies before its locator: a file too short for both has none.
            var record = [UInt8](repeating: 0, count: 56)
            guard locatorOffset >= 56, recordOffset <= locatorOffset - 56,
                  try readFully(fd: fd, into: &record, at: recordOffset, path: path) == 56,
                  record.u32(0) == 0x0606_4B50,
                  let count = record.u64(32), let size = record.u64(40), let offset = record.u64(48)
            else { throw .damagedZip(path, "ZIP64 end-of-central-directory record unreadable") }
            entryCount = count
            cdSize = size
            cdOffset = offset
        }

        let entryLimit = UInt64(max(maxEntryCount, 0))
        guard entryCount <= entryLimit else {
            throw .tooManyEntries(path, count: entryCount, limit: maxEntryCount)
        }
        guard cdOffset <= eocdOffset, cdSize <= eocdOffset - cdOffset else {
            throw .damagedZip(path, "central directory lies outside the file (cut short?)")
        }
        // Each entry takes at least 46 bytes and rarely more than a few hundred: refuse a
        // directory size that would only make us allocate, before allocating it.
        let (least, leastOverflow) = entryCount.multipliedReportingOverflow(by: 46)
        let (most, mostOverflow) = max(entryLimit, 1).multipliedReportingOverflow(by: 4096)
        guard !leastOverflow, cdSize >= least, mostOverflow || cdSize <= most, let cdBytes = Int(exactly: cdSize) else {
            throw .damagedZip(path, "central directory size \(cdSize) does not fit \(entryCount) entries")
        }
        var cd = [UInt8](repeating: 0, count: cdBytes)
        guard try readFully(fd: fd, into: &cd, at: cdOffset, path: path) == cd.count else {
            throw .damagedZip(path, "central directory cut short")
        }

        var entries: [ZipEntry] = []
        entries.reserveCapacity(Int(entryCount))
        var p = 0
        for index in 0..<entryCount {
            guard cd.u32(p) == 0x0201_4B50,
                  let flags = cd.u16(p + 8), let method = cd.u16(p + 10), let crc = cd.u32(p + 16),
                  let csize32 = cd.u32(p + 20), let usize32 = cd.u32(p + 24),
                  let nameLen = cd.u16(p + 28), let extraLen = cd.u16(p + 30),
                  let commentLen = cd.u16(p + 32), let offset32 = cd.u32(p + 42)
            else { throw .damagedZip(path, "central directory entry \(index) is damaged") }
            let nameStart = p + 46
            let extraStart = nameStart + Int(nameLen)
            let next = extraStart + Int(extraLen) + Int(commentLen)
            guard next <= cd.count else { throw .damagedZip(path, "central directory entry \(index) is cut short") }
            let name = String(decoding: cd[nameStart..<extraStart], as: UTF8.self)
                .replacingOccurrences(of: "\\", with: "/")

            var usize = UInt64(usize32), csize = UInt64(csize32), offset = UInt64(offset32)
            // ZIP64 extra field (id 1): only the fields saturated in the fixed header, in this order.
            var e = extraStart
            while e + 4 <= extraStart + Int(extraLen) {
                guard let id = cd.u16(e), let len = cd.u16(e + 2) else { break }
                let body = e + 4
                if id == 1 {
                    var f = body
                    if usize32 == 0xFFFF_FFFF, f + 8 <= body + Int(len), let v = cd.u64(f) { usize = v; f += 8 }
                    if csize32 == 0xFFFF_FFFF, f + 8 <= body + Int(len), let v = cd.u64(f) { csize = v; f += 8 }
                    if offset32 == 0xFFFF_FFFF, f + 8 <= body + Int(len), let v = cd.u64(f) { offset = v }
                }
                e = body + Int(len)
            }
            entries.append(ZipEntry(path: name, method: method, flags: flags, crc32: crc,
                                    compressedSize: csize, uncompressedSize: usize, localHeaderOffset: offset))
            p = next
        }
        return entries
    }

    // MARK: Extracting

    /// Streams an entry's content in chunks of at most `chunkSize` bytes; `consumer` may throw to stop.
    func extract(_ entry: ZipEntry, chunkSize: Int = 64 * 1024,
                 consumer: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let name = entry.path
        if entry.flags & 1 != 0 { throw XLSXReadError.unsupported(path, "\(name) is encrypted") }
        var header = [UInt8](repeating: 0, count: 30)
        guard entry.localHeaderOffset <= fileSize,
              try Self.readFully(fd: fd, into: &header, at: entry.localHeaderOffset, path: path) == 30,
              header.u32(0) == 0x0403_4B50, let nameLen = header.u16(26), let extraLen = header.u16(28)
        else { throw XLSXReadError.damagedZip(path, "local header of \(name) is damaged") }
        let dataOffset = entry.localHeaderOffset + 30 + UInt64(nameLen) + UInt64(extraLen)
        guard dataOffset <= fileSize, entry.compressedSize <= fileSize - dataOffset else {
            throw XLSXReadError.damagedZip(path, "data of \(name) runs past the end of the file (cut short?)")
        }

        var crc: UInt = crc32(0, nil, 0)
        var produced: UInt64 = 0
        func emit(_ bytes: UnsafeBufferPointer<UInt8>) throws {
            guard bytes.count > 0 else { return }
            produced += UInt64(bytes.count)
            // Declared sizes are checked as we go, so a lying header cannot make us inflate on.
            if produced > entry.uncompressedSize {
                throw XLSXReadError.damagedZip(path, "\(name) inflates past its declared size \(entry.uncompressedSize)")
            }
            crc = crc32(crc, bytes.baseAddress, uInt(bytes.count))
            try consumer(bytes)
        }

        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw XLSXReadError.damagedZip(path, "stored entry \(name) has mismatched sizes")
            }
            var input = [UInt8](repeating: 0, count: chunkSize)
            var position = dataOffset
            var remaining = entry.compressedSize
            while remaining > 0 {
                let want = Int(min(UInt64(chunkSize), remaining))
                let got = try Self.readFully(fd: fd, into: &input, at: position, count: want, path: path)
                guard got == want else { throw XLSXReadError.damagedZip(path, "\(name) is cut short") }
                try input.withUnsafeBufferPointer { try emit(UnsafeBufferPointer(rebasing: $0[0..<got])) }
                position += UInt64(got)
                remaining -= UInt64(got)
            }
        case 8:
            try inflateEntry(entry, from: dataOffset, chunkSize: chunkSize, emit: emit)
        default:
            throw XLSXReadError.unsupported(path, "\(name) uses compression method \(entry.method)")
        }

        guard produced == entry.uncompressedSize else {
            throw XLSXReadError.damagedZip(path, "\(name) inflated to \(produced) bytes, declared \(entry.uncompressedSize)")
        }
        guard UInt32(truncatingIfNeeded: crc) == entry.crc32 else {
            throw XLSXReadError.damagedZip(path, "CRC mismatch in \(name)")
        }
    }

    /// Raw deflate, fed at most `compressedSize` bytes; running out before the stream's end is an error.
    private func inflateEntry(_ entry: ZipEntry, from dataOffset: UInt64, chunkSize: Int,
                         emit: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let name = entry.path
        // zlib keeps a pointer back to its z_stream: it must not move, so it lives on the heap.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deinitialize(count: 1); stream.deallocate() }
        guard inflateInit2_(stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw XLSXReadError.damagedZip(path, "zlib could not start inflating \(name)")
        }
        defer { inflateEnd(stream) }

        let input = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
        defer { input.deallocate() }
        let output = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
        defer { output.deallocate() }

        var position = dataOffset
        var remaining = entry.compressedSize
        while true {
            if stream.pointee.avail_in == 0 && remaining > 0 {
                let want = Int(min(UInt64(chunkSize), remaining))
                let got = pread(fd, input, want, off_t(position))
                guard got == want else {
                    throw XLSXReadError.damagedZip(path, "\(name) is cut short")
                }
                position += UInt64(got)
                remaining -= UInt64(got)
                stream.pointee.next_in = input
                stream.pointee.avail_in = uInt(got)
            }
            stream.pointee.next_out = output
            stream.pointee.avail_out = uInt(chunkSize)
            let status = CXlsxWriter.inflate(stream, Z_NO_FLUSH)
            let produced = chunkSize - Int(stream.pointee.avail_out)
            switch status {
            case Z_OK, Z_STREAM_END, Z_BUF_ERROR:
                try emit(UnsafeBufferPointer(start: output, count: produced))
            default:
                throw XLSXReadError.damagedZip(path, "\(name): deflate data is damaged (zlib \(status))")
            }
            if status == Z_STREAM_END { return }
            // No progress possible (input used up, nothing produced): the stream ends early.
            if produced == 0 && (status == Z_BUF_ERROR || (stream.pointee.avail_in == 0 && remaining == 0)) {
                throw XLSXReadError.damagedZip(path, "\(name): deflate data ends early")
            }
        }
    }

    // MARK: I/O

    /// Reads up to `count` (default: the buffer's size) bytes at `offset`; fewer only at the end of
    /// the file. An offset no file can have (past `off_t`) reads nothing rather than trapping.
    @discardableResult
    private static func readFully(fd: Int32, into buffer: inout [UInt8], at offset: UInt64,
                                  count: Int? = nil, path: String) throws(XLSXReadError) -> Int {
        let want = max(0, min(count ?? buffer.count, buffer.count))
        guard let start = Int64(exactly: offset), start <= Int64.max - Int64(want) else { return 0 }
        var done = 0
        while done < want {
            let n = buffer.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + done, want - done, off_t(start) + off_t(done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .fileUnreadable(path, String(cString: strerror(errno)))
            }
            if n == 0 { break }
            done += n
        }
        return done
    }
}

/// Little-endian reads that return nil instead of trapping past the end.
extension Array where Element == UInt8 {
    func u16(_ i: Int) -> UInt16? {
        guard i >= 0, i + 2 <= count else { return nil }
        return UInt16(self[i]) | UInt16(self[i + 1]) << 8
    }

    func u32(_ i: Int) -> UInt32? {
        guard i >= 0, i + 4 <= count else { return nil }
        return UInt32(self[i]) | UInt32(self[i + 1]) << 8 | UInt32(self[i + 2]) << 16 | UInt32(self[i + 3]) << 24
    }

    func u64(_ i: Int) -> UInt64? {
        guard let lo = u32(i), let hi = u32(i + 4) else { return nil }
        return UInt64(lo) | UInt64(hi) << 32
    }
}
