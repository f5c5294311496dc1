internal import CXlsxWriter

/// A failed write: the `lxw_error` code, `lxw_strerror`'s text, and what we were doing when it failed.
///
/// Checks made on the Swift side (an index out of range, a workbook already closed) reuse the
/// closest `lxw_error` code so callers have one error shape to handle.
public struct XLSXError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `lxw_error` (libxlsxwriter 1.1.4, common.h), by name.
    public enum Code: Int, Sendable {
        case noError = 0, memoryMallocFailed, creatingXLSXFile, creatingTmpfile, readingTmpfile
        case zipFileOperation, zipParameterError, zipBadZipFile, zipInternalError, zipFileAdd, zipClose
        case featureNotSupported, nullParameterIgnored, parameterValidation
        case sheetNameLengthExceeded, invalidSheetNameCharacter, sheetNameStartEndApostrophe, sheetNameAlreadyUsed
        case string32LengthExceeded, string128LengthExceeded, string255LengthExceeded, maxStringLengthExceeded
        case sharedStringIndexNotFound, worksheetIndexOutOfRange, worksheetMaxURLLengthExceeded
        case worksheetMaxNumberURLsExceeded, imageDimensions
    }

    /// The raw `lxw_error` value (for example 17 = `LXW_ERROR_SHEETNAME_ALREADY_USED`).
    public let code: Int
    /// `code` by name; nil for a value newer than this list.
    public var kind: Code? { Code(rawValue: code) }
    /// `lxw_strerror(code)`.
    public let message: String
    /// What we were doing: the call, the sheet, the cell.
    public let context: String

    public var description: String { "\(context): \(message) (lxw_error \(code))" }

    init(_ error: lxw_error, _ context: String) {
        code = Int(error.rawValue)
        message = lxw_strerror(error).map { String(cString: $0) } ?? "unknown libxlsxwriter error"
        self.context = context
    }

    /// An error by name, with `lxw_strerror`'s text for it.
    init(code: Code, _ context: String) {
        self.init(lxw_error(rawValue: UInt32(code.rawValue)), context)
    }

    /// Throws unless `error` is `LXW_NO_ERROR`.
    static func check(_ error: lxw_error, _ context: @autoclosure () -> String) throws(XLSXError) {
        if error != LXW_NO_ERROR { throw XLSXError(error, context()) }
    }
}
