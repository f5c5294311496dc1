internal import CXlsxWriter
import Foundation

/// Document properties written to docProps/core.xml.
///
/// `created` is pinned rather than "now" so that two exports of the same data are byte-identical
/// (libxlsxwriter also stamps the zip entries with it). Note that libxlsxwriter reads a `created`
/// of exactly 1970-01-01 00:00:00 UTC as "use the current time".
public struct XLSXDocumentProperties: Sendable, Equatable {
    public var title: String?
    public var subject: String?
    public var author: String?
    public var company: String?
    public var comments: String?
    public var created: Date

    /// 2025-01-01 00:00:00 UTC: the default pinned creation time.
    public static let pinnedCreationDate = Date(timeIntervalSince1970: 1_735_689_600)

    public init(
        title: String? = nil, subject: String? = nil, author: String? = nil, company: String? = nil,
        comments: String? = nil, created: Date = XLSXDocumentProperties.pinnedCreationDate
    ) {
        self.title = title
        self.subject = subject
        self.author = author
        self.company = company
        self.comments = comments
        self.created = created
    }
}

/// An .xlsx file being written: the single owner of one `lxw_workbook*`.
///
/// libxlsxwriter's `workbook_close` both writes the file and frees every handle (even when it
/// fails), so `close()` may run only once and nothing may touch a sheet afterwards: each
/// `XLSXWorksheet` checks `isClosed` before every call. A workbook dropped without `close()`
/// writes nothing and is freed with `lxw_workbook_free` (see `deinit`).
public final class XLSXWorkbook {
    /// Options fixed at creation (`lxw_workbook_options`).
    public struct Options: Sendable, Equatable {
        /// Flush each row to a temp file when the next row starts: bounded memory for large sheets,
        /// but rows must be written in order and merged ranges are not supported.
        public var constantMemory: Bool
        /// Where libxlsxwriter puts its temp files; nil for the system temp directory.
        public var tmpdir: String?
        /// Allow ZIP64 for entries over 4 GB.
        public var useZip64: Bool

        public init(constantMemory: Bool = false, tmpdir: String? = nil, useZip64: Bool = false) {
            self.constantMemory = constantMemory
            self.tmpdir = tmpdir
            self.useZip64 = useZip64
        }
    }

    /// The file `close()` writes.
    public let path: String
    public let options: Options
    /// Nil once closed: `workbook_close` has freed it.
    private(set) var handle: UnsafeMutablePointer<lxw_workbook>?
    /// Sheets handed out, so `deinit` can close constant-memory temp files (see `deinit`).
    private var sheetHandles: [UnsafeMutablePointer<lxw_worksheet>] = []
    /// One `lxw_format` per distinct style; the formats belong to the workbook and die with it.
    private var formats: [CellStyle: UnsafeMutablePointer<lxw_format>] = [:]
    private var lastFormat: (style: CellStyle, format: UnsafeMutablePointer<lxw_format>)?

    /// Creates the workbook in memory; nothing is written until `close()`.
    public init(
        path: String, options: Options = Options(),
        properties: XLSXDocumentProperties = XLSXDocumentProperties()
    ) throws(XLSXError) {
        self.path = path
        self.options = options
        // libxlsxwriter strdup()s both the file name and tmpdir, so the C strings need only live
        // for the call.
        let created: UnsafeMutablePointer<lxw_workbook>? = path.withCString { cPath in
            withOptionalCString(options.tmpdir) { cTmpdir in
                var opts = lxw_workbook_options()
                opts.constant_memory = options.constantMemory ? 1 : 0
                opts.tmpdir = cTmpdir.map { UnsafeMutablePointer(mutating: $0) }
                opts.use_zip64 = options.useZip64 ? 1 : 0
                return workbook_new_opt(cPath, &opts)
            }
        }
        guard let created else {
            throw XLSXError(LXW_ERROR_MEMORY_MALLOC_FAILED, "creating workbook \(path)")
        }
        handle = created
        try setProperties(properties)
    }

    deinit {
        guard let handle else { return }
        // Never closed: free without writing. lxw_workbook_free (public in workbook.h) frees
        // sheets, formats and strings but, in 1.1.4, not a constant-memory sheet's temp FILE*
        // (only the packager closes those), so close them here first. The temp files are
        // already unlinked by tmpfileplus, so closing them is all the clean-up they need.
        for sheet in sheetHandles {
            if let file = sheet.pointee.optimize_tmpfile {
                fclose(file)
                sheet.pointee.optimize_tmpfile = nil
                sheet.pointee.file = nil
            }
        }
        lxw_workbook_free(handle)
    }

    /// True once `close()` has run (successfully or not).
    public var isClosed: Bool { handle == nil }

    /// Writes the file and frees the workbook. Call exactly once; sheets are unusable afterwards.
    public func close() throws(XLSXError) {
        guard let handle else {
            throw XLSXError(LXW_ERROR_PARAMETER_VALIDATION, "closing \(path): workbook already closed")
        }
        // workbook_close frees the workbook even when it fails: forget the handle first.
        self.handle = nil
        sheetHandles = []
        formats = [:]
        lastFormat = nil
        try XLSXError.check(workbook_close(handle), "writing \(path)")
    }

    /// Adds a worksheet; the name is checked by `workbook_validate_sheet_name`
    /// (31 characters, no `[]:*?/\`, no leading or trailing apostrophe, unique ignoring case).
    public func addSheet(name: String) throws(XLSXError) -> XLSXWorksheet {
        let wb = try openHandle("adding sheet \"\(name)\"")
        if name.utf8.contains(0) {
            throw XLSXError(LXW_ERROR_INVALID_SHEETNAME_CHARACTER, "adding sheet \"\(name)\"")
        }
        try XLSXError.check(workbook_validate_sheet_name(wb, name), "adding sheet \"\(name)\"")
        guard let sheet = workbook_add_worksheet(wb, name) else {
            throw XLSXError(LXW_ERROR_MEMORY_MALLOC_FAILED, "adding sheet \"\(name)\"")
        }
        sheetHandles.append(sheet)
        return XLSXWorksheet(workbook: self, handle: sheet, name: name)
    }

    /// The handle, or an error saying the workbook is closed.
    func openHandle(_ context: @autoclosure () -> String) throws(XLSXError) -> UnsafeMutablePointer<lxw_workbook> {
        guard let handle else {
            throw XLSXError(LXW_ERROR_PARAMETER_VALIDATION, "\(context()): workbook already closed")
        }
        return handle
    }

    /// The cached `lxw_format` for a style; nil (the default format) for `.plain`.
    func format(for style: CellStyle) throws(XLSXError) -> UnsafeMutablePointer<lxw_format>? {
        if style == .plain { return nil }
        // Runs of cells usually share a style: an equality check is cheaper than hashing.
        if let last = lastFormat, last.style == style { return last.format }
        if let cached = formats[style] {
            lastFormat = (style, cached)
            return cached
        }
        try style.validate()
        let wb = try openHandle("adding a cell format")
        guard let format = workbook_add_format(wb) else {
            throw XLSXError(LXW_ERROR_MEMORY_MALLOC_FAILED, "adding a cell format")
        }
        style.apply(to: format)
        formats[style] = format
        lastFormat = (style, format)
        return format
    }

    private func setProperties(_ properties: XLSXDocumentProperties) throws(XLSXError) {
        guard let handle else { return }
        let strings = [properties.title, properties.subject, properties.author, properties.company,
                       properties.comments]
        // workbook_set_properties strdup()s every field; the duplicates here are freed after the call.
        let copies = strings.map { $0.flatMap { strdup($0) } }
        defer { copies.forEach { free($0) } }
        var props = lxw_doc_properties()
        props.title = copies[0]
        props.subject = copies[1]
        props.author = copies[2]
        props.company = copies[3]
        props.comments = copies[4]
        props.created = time_t(properties.created.timeIntervalSince1970.rounded(.down))
        try XLSXError.check(workbook_set_properties(handle, &props), "setting document properties of \(path)")
    }
}

/// `withCString` for an optional string: nil stays NULL.
func withOptionalCString<R>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let string else { return body(nil) }
    return string.withCString { body($0) }
}
