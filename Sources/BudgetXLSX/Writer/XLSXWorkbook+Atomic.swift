import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an atomic workbook write failed; the target is as it was and no temporary file is left.
public enum AtomicWriteError: Error {
    /// Building the workbook failed (libxlsxwriter's error, or the caller's own).
    case build(any Error)
    /// The finished file could not be flushed or renamed over the target (errno).
    case replace(errno: Int32)

    public var reason: String {
        switch self {
        case .build(let e): return "\(e)"
        case .replace(let e): return String(cString: strerror(e))
        }
    }
}

extension XLSXWorkbook {
    /// Writes a workbook to `url` through a temporary file beside it: `fill` adds the sheets, the
    /// file is closed, flushed to disk and renamed over `url`. A failure at any step removes the
    /// temporary file and leaves whatever was at `url`. Every XLSX the project writes goes
    /// through here (the disclosure tables, the comparison, the input template).
    public static func writeAtomically(to url: URL, options: Options = Options(), properties: XLSXDocumentProperties,
                                       _ fill: (XLSXWorkbook) throws -> Void) throws(AtomicWriteError) {
        let tmp = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        try? FileManager.default.removeItem(at: tmp)
        do {
            let wb = try XLSXWorkbook(path: tmp.path, options: options, properties: properties)
            try fill(wb)
            try wb.close()
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw .build(error)
        }
        let syncError = flushToDisk(tmp.path)
        guard syncError == 0 else {
            try? FileManager.default.removeItem(at: tmp)
            throw .replace(errno: syncError)
        }
        if rename(tmp.path, url.path) != 0 {
            let e = errno
            try? FileManager.default.removeItem(at: tmp)
            throw .replace(errno: e)
        }
    }
}

/// fsync()s a file; 0, or the errno of the failure.
private func flushToDisk(_ path: String) -> Int32 {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return errno }
    defer { close(fd) }
    return fsync(fd) == 0 ? 0 : errno
}
