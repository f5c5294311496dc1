internal import CXlsxWriter
import Foundation

/// One worksheet of an open `XLSXWorkbook`. Rows and columns are zero-based, as in libxlsxwriter.
///
/// The sheet keeps its workbook alive, and every call first checks that the workbook is still
/// open: after `close()` the underlying `lxw_worksheet*` is freed, so a late call throws instead
/// of touching freed memory.
public final class XLSXWorksheet {
    /// Paper sizes for `setPaper` (Excel's paper codes).
    public enum Paper: UInt8, Sendable {
        case letter = 1
        case a3 = 8
        case a4 = 9
        case a5 = 11
    }

    public enum Orientation: Sendable {
        case portrait, landscape
    }

    /// Where a drop-down list takes its choices from.
    public enum ListSource: Sendable, Equatable {
        /// A range formula such as `=Lists!$A$1:$A$20`: the usual choice, no length limit.
        case range(String)
        /// Literal choices; Excel limits the joined list to 255 characters.
        case values([String])
    }

    /// Texts shown by a data validation; nil leaves Excel's default.
    public struct ValidationMessages: Sendable, Equatable {
        public var inputTitle: String?
        public var inputMessage: String?
        public var errorTitle: String?
        public var errorMessage: String?
        /// Allow blank cells (Excel's default).
        public var ignoreBlank: Bool
        /// What Excel does with a value not in the list.
        public var onOther: OnOther

        /// `stop` refuses the value; `warning` asks and keeps it on 是 (Yes); `information` only tells.
        public enum OnOther: Sendable, Equatable { case stop, warning, information }

        public init(inputTitle: String? = nil, inputMessage: String? = nil, errorTitle: String? = nil,
                    errorMessage: String? = nil, ignoreBlank: Bool = true, onOther: OnOther = .stop) {
            self.onOther = onOther
            self.inputTitle = inputTitle
            self.inputMessage = inputMessage
            self.errorTitle = errorTitle
            self.errorMessage = errorMessage
            self.ignoreBlank = ignoreBlank
        }
    }

    public let name: String
    /// Strong on purpose: the workbook outlives its sheets, and sheets never outlive its handle unchecked.
    private let workbook: XLSXWorkbook
    private let sheet: UnsafeMutablePointer<lxw_worksheet>

    init(workbook: XLSXWorkbook, handle: UnsafeMutablePointer<lxw_worksheet>, name: String) {
        self.workbook = workbook
        self.sheet = handle
        self.name = name
    }

    // MARK: Cells

    /// Writes a string cell (shared string table, or an inline string in constant-memory mode).
    public func writeString(_ row: Int, _ col: Int, _ text: String, style: CellStyle = .plain) throws(XLSXError) {
        let ctx = { self.context("writeString", row, col) }
        let (r, c) = try cell(row, col, ctx())
        try noNul(text, ctx())
        let format = try workbook.format(for: style)
        try XLSXError.check(worksheet_write_string(sheet, r, c, text, format), ctx())
    }

    /// Writes a number cell.
    public func writeNumber(_ row: Int, _ col: Int, _ value: Double, style: CellStyle = .plain) throws(XLSXError) {
        let ctx = { self.context("writeNumber", row, col) }
        let (r, c) = try cell(row, col, ctx())
        let format = try workbook.format(for: style)
        try XLSXError.check(worksheet_write_number(sheet, r, c, value, format), ctx())
    }

    /// Writes a TRUE/FALSE cell.
    public func writeBoolean(_ row: Int, _ col: Int, _ value: Bool, style: CellStyle = .plain) throws(XLSXError) {
        let ctx = { self.context("writeBoolean", row, col) }
        let (r, c) = try cell(row, col, ctx())
        let format = try workbook.format(for: style)
        try XLSXError.check(worksheet_write_boolean(sheet, r, c, value ? 1 : 0, format), ctx())
    }

    /// Writes an empty cell that carries a style: how a bordered input cell stays visible.
    /// libxlsxwriter ignores a blank with the default style, as Excel would.
    public func writeBlank(_ row: Int, _ col: Int, style: CellStyle) throws(XLSXError) {
        let ctx = { self.context("writeBlank", row, col) }
        let (r, c) = try cell(row, col, ctx())
        let format = try workbook.format(for: style)
        try XLSXError.check(worksheet_write_blank(sheet, r, c, format), ctx())
    }

    /// Writes a formula together with its computed value, so viewers that do not recalculate
    /// (previewers, WPS in protected view, our own reader) show the number rather than 0.
    public func writeFormula(_ row: Int, _ col: Int, _ formula: String, cachedValue: Double,
                             style: CellStyle = .plain) throws(XLSXError) {
        let ctx = { self.context("writeFormula \(formula)", row, col) }
        let (r, c) = try cell(row, col, ctx())
        try noNul(formula, ctx())
        let format = try workbook.format(for: style)
        try XLSXError.check(worksheet_write_formula_num(sheet, r, c, formula, format, cachedValue), ctx())
    }

    /// Writes a formula whose result is text, with that text cached (`t="str"`).
    public func writeFormula(_ row: Int, _ col: Int, _ formula: String, cachedString: String,
                             style: CellStyle = .plain) throws(XLSXError) {
        let ctx = { self.context("writeFormula \(formula)", row, col) }
        let (r, c) = try cell(row, col, ctx())
        try noNul(formula, ctx())
        try noNul(cachedString, ctx())
        let format = try workbook.format(for: style)
        try XLSXError.check(worksheet_write_formula_str(sheet, r, c, formula, format, cachedString), ctx())
    }

    /// Merges a range and writes `text` in it; the style applies to every cell of the range, so a
    /// bordered merge has its border all round. In constant-memory mode the range must start in a
    /// row not yet flushed.
    public func mergeRange(firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int, text: String,
                           style: CellStyle = .plain) throws(XLSXError) {
        let ctx = { [name] in
            "sheet \"\(name)\" mergeRange \(cellName(firstRow, firstCol)):\(cellName(lastRow, lastCol))"
        }
        let (r1, c1) = try cell(firstRow, firstCol, ctx())
        let (r2, c2) = try cell(lastRow, lastCol, ctx())
        guard r1 <= r2, c1 <= c2, r1 != r2 || c1 != c2 else {
            throw XLSXError(LXW_ERROR_PARAMETER_VALIDATION, ctx() + ": range must span at least two cells")
        }
        try noNul(text, ctx())
        let format = try workbook.format(for: style)
        try XLSXError.check(worksheet_merge_range(sheet, r1, c1, r2, c2, text, format), ctx())
    }

    // MARK: Layout

    /// Sets one column's width in character units (Excel's "column width").
    public func setColumnWidth(_ col: Int, _ width: Double, style: CellStyle? = nil) throws(XLSXError) {
        try setColumnWidth(firstCol: col, lastCol: col, width, style: style)
    }

    /// Sets the width (and optionally a default style) of a run of columns.
    public func setColumnWidth(firstCol: Int, lastCol: Int, _ width: Double,
                               style: CellStyle? = nil) throws(XLSXError) {
        let ctx = { [name] in "sheet \"\(name)\" setColumnWidth \(columnName(firstCol)):\(columnName(lastCol))" }
        let c1 = try column(firstCol, ctx())
        let c2 = try column(lastCol, ctx())
        let format = try style.map { style throws(XLSXError) in try workbook.format(for: style) } ?? nil
        try XLSXError.check(worksheet_set_column(sheet, c1, c2, width, format), ctx())
    }

    /// Sets a row's height in points (and optionally a default style for the row).
    public func setRowHeight(_ row: Int, _ height: Double, style: CellStyle? = nil) throws(XLSXError) {
        let ctx = { [name] in "sheet \"\(name)\" setRowHeight row \(row + 1)" }
        let r = try rowIndex(row, ctx())
        let format = try style.map { style throws(XLSXError) in try workbook.format(for: style) } ?? nil
        try XLSXError.check(worksheet_set_row(sheet, r, height, format), ctx())
    }

    /// Freezes the rows above `row` and the columns left of `col` (0, 0 unfreezes nothing).
    public func freezePanes(row: Int, col: Int) throws(XLSXError) {
        let ctx = { self.context("freezePanes", row, col) }
        let (r, c) = try cell(row, col, ctx())
        worksheet_freeze_panes(sheet, r, c)
    }

    // MARK: Printing

    /// Paper size; budget tables are printed on A4.
    public func setPaper(_ paper: Paper) throws(XLSXError) {
        try ensureOpen("setPaper")
        worksheet_set_paper(sheet, paper.rawValue)
    }

    public func setOrientation(_ orientation: Orientation) throws(XLSXError) {
        try ensureOpen("setOrientation")
        switch orientation {
        case .portrait: worksheet_set_portrait(sheet)
        case .landscape: worksheet_set_landscape(sheet)
        }
    }

    /// Fits the printout to `width` pages across and `height` down; 0 means "as many as needed",
    /// so (1, 0) is the usual "all columns on one page width".
    public func fitToPages(width: Int, height: Int) throws(XLSXError) {
        let ctx = { [name] in "sheet \"\(name)\" fitToPages(\(width), \(height))" }
        try ensureOpen(ctx())
        guard let w = UInt16(exactly: width), let h = UInt16(exactly: height) else {
            throw XLSXError(LXW_ERROR_PARAMETER_VALIDATION, ctx())
        }
        worksheet_fit_to_pages(sheet, w, h)
    }

    /// Repeats rows `first...last` at the top of every printed page (the table header).
    public func repeatRows(first: Int, last: Int) throws(XLSXError) {
        let ctx = { [name] in "sheet \"\(name)\" repeatRows \(first + 1)...\(last + 1)" }
        let r1 = try rowIndex(first, ctx())
        let r2 = try rowIndex(last, ctx())
        try XLSXError.check(worksheet_repeat_rows(sheet, r1, r2), ctx())
    }

    /// Page margins in inches (Excel's unit); negative values keep Excel's default for that side.
    public func setMargins(left: Double, right: Double, top: Double, bottom: Double) throws(XLSXError) {
        try ensureOpen("setMargins")
        worksheet_set_margins(sheet, left, right, top, bottom)
    }

    public func centerHorizontally() throws(XLSXError) {
        try ensureOpen("centerHorizontally")
        worksheet_center_horizontally(sheet)
    }

    /// Restricts printing to a range (zero-based, inclusive).
    public func setPrintArea(firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int) throws(XLSXError) {
        let ctx = { [name] in
            "sheet \"\(name)\" print area \(cellName(firstRow, firstCol)):\(cellName(lastRow, lastCol))"
        }
        let (r1, c1) = try cell(firstRow, firstCol, ctx())
        let (r2, c2) = try cell(lastRow, lastCol, ctx())
        try XLSXError.check(worksheet_print_area(sheet, r1, c1, r2, c2), ctx())
    }

    /// Page header in Excel's header syntax (`&C` centre, `&P` page, `&N` pages); 255 characters at most.
    public func setHeader(_ text: String) throws(XLSXError) {
        let ctx = { [name] in "sheet \"\(name)\" setHeader" }
        try ensureOpen(ctx())
        try noNul(text, ctx())
        try XLSXError.check(worksheet_set_header(sheet, text), ctx())
    }

    /// The footer of every printed budget page: `第 3 页 共 6 页`, centred.
    public static let pageNumberFooter = "&C第 &P 页 共 &N 页"

    /// Page footer, e.g. `XLSXWorksheet.pageNumberFooter`.
    public func setFooter(_ text: String) throws(XLSXError) {
        let ctx = { [name] in "sheet \"\(name)\" setFooter" }
        try ensureOpen(ctx())
        try noNul(text, ctx())
        try XLSXError.check(worksheet_set_footer(sheet, text), ctx())
    }

    /// An autofilter (the drop-down arrows of Excel's 筛选) on a header row and the rows below it.
    public func autofilter(firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int) throws(XLSXError) {
        let ctx = { [name] in
            "sheet \"\(name)\" autofilter \(cellName(firstRow, firstCol)):\(cellName(lastRow, lastCol))"
        }
        let (r1, c1) = try cell(firstRow, firstCol, ctx())
        let (r2, c2) = try cell(lastRow, lastCol, ctx())
        guard r1 <= r2, c1 <= c2 else { throw XLSXError(LXW_ERROR_PARAMETER_VALIDATION, ctx()) }
        try XLSXError.check(worksheet_autofilter(sheet, r1, c1, r2, c2), ctx())
    }

    /// Hides gridlines on screen and in print: bordered tables read better without them.
    public func hideGridlines() throws(XLSXError) {
        try ensureOpen("hideGridlines")
        worksheet_gridlines(sheet, UInt8(LXW_HIDE_ALL_GRIDLINES.rawValue))
    }

    // MARK: Sheet state

    /// Protects the sheet so only cells styled `unlocked` can be edited: an input template keeps
    /// its codes and formulas. The password (optional) only deters; it is not encryption.
    public func protect(password: String? = nil) throws(XLSXError) {
        let ctx = { [name] in "sheet \"\(name)\" protect" }
        try ensureOpen(ctx())
        if let password { try noNul(password, ctx()) }
        // worksheet_protect hashes the password at once; a NULL options struct means Excel's defaults.
        withOptionalCString(password) { worksheet_protect(sheet, $0, nil) }
    }

    /// Hides the sheet (for example the lists behind drop-downs). Do not hide the active sheet.
    public func hide() throws(XLSXError) {
        try ensureOpen("hide")
        worksheet_hide(sheet)
    }

    /// Makes this the sheet shown when the file opens.
    public func activate() throws(XLSXError) {
        try ensureOpen("activate")
        worksheet_activate(sheet)
    }

    // MARK: Data validation

    /// Adds a drop-down list to a range, for input templates: only listed values are accepted.
    public func addListValidation(firstRow: Int, firstCol: Int, lastRow: Int, lastCol: Int,
                                  source: ListSource,
                                  messages: ValidationMessages = ValidationMessages()) throws(XLSXError) {
        let ctx = { [name] in
            "sheet \"\(name)\" list validation \(cellName(firstRow, firstCol)):\(cellName(lastRow, lastCol))"
        }
        let (r1, c1) = try cell(firstRow, firstCol, ctx())
        let (r2, c2) = try cell(lastRow, lastCol, ctx())
        guard r1 <= r2, c1 <= c2 else { throw XLSXError(LXW_ERROR_PARAMETER_VALIDATION, ctx()) }

        // Every string is copied by worksheet_data_validation_range; our strdup()s are freed after it.
        var owned: [UnsafeMutablePointer<CChar>?] = []
        defer { owned.forEach { free($0) } }
        func dup(_ s: String?) throws(XLSXError) -> UnsafeMutablePointer<CChar>? {
            guard let s else { return nil }
            try noNul(s, ctx())
            let p = strdup(s)
            owned.append(p)
            return p
        }

        var dv = lxw_data_validation()
        dv.criteria = UInt8(LXW_VALIDATION_CRITERIA_NONE.rawValue)
        dv.ignore_blank = UInt8((messages.ignoreBlank ? LXW_VALIDATION_ON : LXW_VALIDATION_OFF).rawValue)
        switch messages.onOther {
        case .stop: dv.error_type = UInt8(LXW_VALIDATION_ERROR_TYPE_STOP.rawValue)
        case .warning: dv.error_type = UInt8(LXW_VALIDATION_ERROR_TYPE_WARNING.rawValue)
        case .information: dv.error_type = UInt8(LXW_VALIDATION_ERROR_TYPE_INFORMATION.rawValue)
        }
        dv.input_title = try dup(messages.inputTitle)
        dv.input_message = try dup(messages.inputMessage)
        dv.error_title = try dup(messages.errorTitle)
        dv.error_message = try dup(messages.errorMessage)
        if messages.inputTitle != nil || messages.inputMessage != nil {
            dv.show_input = UInt8(LXW_VALIDATION_ON.rawValue)
        }

        switch source {
        case .range(let formula):
            dv.validate = UInt8(LXW_VALIDATION_TYPE_LIST_FORMULA.rawValue)
            dv.value_formula = try dup(formula)
            try XLSXError.check(worksheet_data_validation_range(sheet, r1, c1, r2, c2, &dv), ctx())
        case .values(let values):
            // libxlsxwriter 1.1.4 checks this list in characters but copies it into a 258-byte
            // buffer (upstream issues #394, #512): a Chinese list under 255 characters overflows
            // the heap, and 256+ items can hang. So the limit is checked here, in bytes, first.
            let joined = values.joined(separator: ",")
            guard !values.isEmpty, values.count < 256, joined.utf8.count <= 255 else {
                throw XLSXError(LXW_ERROR_255_STRING_LENGTH_EXCEEDED,
                                ctx() + ": an inline list must be 1–255 bytes of UTF-8; use .range for longer lists")
            }
            // A comma would split a choice in two; a quote would end the list literal.
            guard !values.contains(where: { $0.isEmpty || $0.contains(",") || $0.contains("\"") }) else {
                throw XLSXError(LXW_ERROR_PARAMETER_VALIDATION,
                                ctx() + ": inline list choices must be non-empty, without commas or quotes")
            }
            dv.validate = UInt8(LXW_VALIDATION_TYPE_LIST.rawValue)
            // value_list is a NULL-terminated char* array.
            var list: [UnsafeMutablePointer<CChar>?] = []
            for value in values { list.append(try dup(value)) }
            list.append(nil)
            let result = list.withUnsafeMutableBufferPointer { buffer in
                dv.value_list = buffer.baseAddress
                return worksheet_data_validation_range(sheet, r1, c1, r2, c2, &dv)
            }
            try XLSXError.check(result, ctx())
        }
    }

    // MARK: Checks

    private func ensureOpen(_ what: @autoclosure () -> String) throws(XLSXError) {
        _ = try workbook.openHandle("sheet \"\(name)\" \(what())")
    }

    private func context(_ call: String, _ row: Int, _ col: Int) -> String {
        "sheet \"\(name)\" \(call) at \(cellName(row, col))"
    }

    /// Checks the workbook is open and converts the indices, throwing rather than trapping on
    /// values a C integer cannot hold.
    private func cell(_ row: Int, _ col: Int, _ ctx: @autoclosure () -> String) throws(XLSXError) -> (lxw_row_t, lxw_col_t) {
        let r = try rowIndex(row, ctx())
        let c = try column(col, ctx())
        return (r, c)
    }

    private func rowIndex(_ row: Int, _ ctx: @autoclosure () -> String) throws(XLSXError) -> lxw_row_t {
        _ = try workbook.openHandle(ctx())
        guard row >= 0, row < Int(LXW_ROW_MAX), let r = lxw_row_t(exactly: row) else {
            throw XLSXError(LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE, ctx())
        }
        return r
    }

    private func column(_ col: Int, _ ctx: @autoclosure () -> String) throws(XLSXError) -> lxw_col_t {
        _ = try workbook.openHandle(ctx())
        guard col >= 0, col < Int(LXW_COL_MAX), let c = lxw_col_t(exactly: col) else {
            throw XLSXError(LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE, ctx())
        }
        return c
    }

    /// C strings end at the first NUL: refuse rather than silently truncate.
    private func noNul(_ s: String, _ ctx: @autoclosure () -> String) throws(XLSXError) {
        if s.utf8.contains(0) {
            throw XLSXError(LXW_ERROR_PARAMETER_VALIDATION, ctx() + ": text contains a NUL character")
        }
    }
}

/// "A1"-style name of a zero-based cell, for messages; out-of-range indices are shown raw.
func cellName(_ row: Int, _ col: Int) -> String {
    guard row >= 0, col >= 0 else { return "R\(row)C\(col)" }
    return columnName(col) + String(row + 1)
}

/// "A", "B", …, "Z", "AA", … for a zero-based column.
func columnName(_ col: Int) -> String {
    col >= 0 ? CellReference.columnLetters(col) : "C\(col)"
}
