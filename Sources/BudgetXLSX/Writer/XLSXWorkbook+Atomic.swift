import BudgetFiles
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
    /// Writes a workbook to `url` through a temporary file beside it (`AtomicFile.replace`: `fill`
    /// adds the sheets, the file is closed, flushed to disk, renamed over `url`, and the folder is
    /// flushed). A failure at any step removes the temporary file and leaves whatever was at `url`.
    /// Every XLSX the project writes goes through here (the disclosure tables, the comparison, the
    /// input template).
    public static func writeAtomically(to url: URL, options: Options = Options(), properties: XLSXDocumentProperties,
                                       _ fill: (XLSXWorkbook) throws -> Void) throws(AtomicWriteError) {
        do {
            try AtomicFile.replace(url) { tmp in
                let wb = try XLSXWorkbook(path: tmp.path, options: options, properties: properties)
                try fill(wb)
                try wb.close()
            }
        } catch {
            switch error {
            case .write(_, let e): throw .build(e)
            case .system(_, _, let e): throw .replace(errno: e)
            }
        }
    }
}
