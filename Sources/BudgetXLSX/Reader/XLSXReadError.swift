import Foundation

/// Why a workbook could not be read: a message a clerk understands (Chinese) and a detail for the log
/// (English, with the part and position). The reader never traps on a bad file; it throws this.
public struct XLSXReadError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    public enum Kind: Sendable, Equatable {
        /// The file could not be opened or read at all.
        case fileUnreadable
        /// Not a zip file (an .xlsx is a zip package).
        case notZip
        /// An OLE2 compound file: an old .xls, or an .xlsx protected with a password.
        case legacyOrEncrypted
        /// A zip, but cut short or damaged.
        case damagedZip
        /// A part every workbook needs (workbook.xml, a sheet) is missing.
        case missingPart
        /// No sheet of that name.
        case sheetNotFound
        /// Inflating would pass a configured limit: possibly a zip bomb.
        case sizeLimitExceeded
        /// An XML part is not well formed.
        case malformedXML
        /// A zip feature we do not read (Deflate64, zip encryption).
        case unsupported
        /// The file passes one of the documented `XLSXReadLimits` (too many merged ranges, an XML
        /// token too long, too many zip entries): the message names the limit and its value.
        case limitExceeded
        /// Text that cannot be read faithfully (invalid UTF-8, a character XML does not allow, an
        /// unknown entity): refused with the sheet and cell rather than replaced with U+FFFD.
        case invalidText
    }

    public let kind: Kind
    /// For the clerk, in Chinese.
    public let message: String
    /// For the log, in English.
    public let detail: String

    public init(_ kind: Kind, message: String, detail: String) {
        self.kind = kind
        self.message = message
        self.detail = detail
    }

    public var description: String { "\(message)（\(detail)）" }
    public var errorDescription: String? { description }
}

extension XLSXReadError {
    static func fileUnreadable(_ path: String, _ reason: String) -> XLSXReadError {
        XLSXReadError(.fileUnreadable, message: "无法打开文件 \(fileName(path))",
                      detail: "cannot read \(path): \(reason)")
    }

    static func notZip(_ path: String) -> XLSXReadError {
        XLSXReadError(.notZip, message: "文件不是有效的 XLSX（不是 zip 文件）",
                      detail: "\(path) does not start with a zip signature")
    }

    static func legacyOrEncrypted(_ path: String) -> XLSXReadError {
        XLSXReadError(.legacyOrEncrypted,
                      message: "文件是旧版 .xls 或设置了打开密码的工作簿，请在 Excel/WPS 中另存为无密码的 .xlsx 后再导入",
                      detail: "\(path) is an OLE2 compound file (legacy .xls or encrypted .xlsx)")
    }

    static func damagedZip(_ path: String, _ reason: String) -> XLSXReadError {
        XLSXReadError(.damagedZip, message: "文件已损坏或不完整（zip 结构错误），请重新获取或重新保存该文件",
                      detail: "\(path): \(reason)")
    }

    static func missingPart(_ part: String) -> XLSXReadError {
        XLSXReadError(.missingPart, message: "文件不是有效的 XLSX：缺少 \(part)",
                      detail: "missing package part \(part)")
    }

    static func sheetNotFound(_ name: String, available: [String]) -> XLSXReadError {
        let list = available.isEmpty ? "（无）" : available.map { "“\($0)”" }.joined(separator: "、")
        return XLSXReadError(.sheetNotFound, message: "找不到工作表“\(name)”，文件中的工作表有：\(list)",
                             detail: "no sheet named \"\(name)\"; sheets: \(available)")
    }

    /// Which inflated-size limit was passed.
    enum Limit { case perEntry, total }

    static func limit(_ which: Limit, limit: UInt64, entry: String) -> XLSXReadError {
        let scope = which == .perEntry ? "文件中的部件“\(entry)”解压后超过上限" : "文件解压后的总大小超过上限"
        let english = which == .perEntry ? "per-entry" : "total"
        return XLSXReadError(.sizeLimitExceeded,
                             message: "\(scope) \(byteText(limit))，已停止读取（可能是异常或恶意构造的文件）",
                             detail: "\(entry): inflated size passes the \(english) limit of \(limit) bytes")
    }

    static func tooManyEntries(_ path: String, count: UInt64, limit: Int) -> XLSXReadError {
        XLSXReadError(.limitExceeded,
                      message: "文件中的条目有 \(count) 个，超过读取上限 \(limit) 个（maxEntryCount），已停止读取（可能是异常或恶意构造的文件）",
                      detail: "\(path): \(count) zip entries, more than maxEntryCount = \(limit)")
    }

    /// `place` is how the part is named for the clerk: `工作表“支出明细”`.
    static func tooManyMergedRanges(place: String, part: String, limit: Int, next range: String) -> XLSXReadError {
        XLSXReadError(.limitExceeded,
                      message: "\(place)的合并单元格超过读取上限 \(limit) 个（maxMergedRanges；超出的第一个是 \(range)），已停止读取（可能是异常或恶意构造的文件）",
                      detail: "\(part): more than maxMergedRanges = \(limit) merged ranges; the first beyond is \(range)")
    }

    static func tooManyMergedCells(place: String, part: String, limit: Int, at range: String) -> XLSXReadError {
        XLSXReadError(.limitExceeded,
                      message: "\(place)的合并单元格共覆盖的单元格超过读取上限 \(limit) 个（maxMergedCells；加上 \(range) 时超出），已停止读取（可能是异常或恶意构造的文件）",
                      detail: "\(part): merged ranges cover more than maxMergedCells = \(limit) cells once \(range) is added")
    }

    static func tokenTooLong(place: String, part: String, limit: Int, offset: Int) -> XLSXReadError {
        XLSXReadError(.limitExceeded,
                      message: "\(place)中有一段 XML 超过读取上限 \(byteText(UInt64(limit)))（maxXMLTokenBytes：一个标签连同其属性、一段注释或一段文字的长度），已停止读取（可能是异常或恶意构造的文件）",
                      detail: "\(part): an XML token (from about byte \(offset)) is longer than maxXMLTokenBytes = \(limit) bytes")
    }

    /// `subject` names what holds the text: `工作表“支出明细”单元格 G232 的文字`.
    static func invalidText(subject: String, part: String, location: String, _ problem: XMLTextError) -> XLSXReadError {
        XLSXReadError(.invalidText,
                      message: "\(subject)无法按原样读取：\(problem.message)。请在 Excel/WPS 中改正后重新保存为 .xlsx",
                      detail: "\(part)\(location.isEmpty ? "" : " " + location): \(problem.detail)")
    }

    /// Text of a part that is not a cell (a relationship, a number format) or whose cell is unknown.
    static func invalidText(place: String, part: String, cell: String?, _ problem: XMLTextError) -> XLSXReadError {
        let subject = cell.map { "\(place)单元格 \($0) 的文字" } ?? "\(place)中的文字"
        return invalidText(subject: subject, part: part, location: cell.map { "cell \($0)" } ?? "", problem)
    }

    static func overlappingMerges(place: String, part: String, _ a: String, _ b: String) -> XLSXReadError {
        XLSXReadError(.malformedXML,
                      message: "\(place)的合并单元格 \(a) 与 \(b) 重叠，文件已损坏（Excel 也不允许）；请在 Excel/WPS 中取消这两处合并后重新保存",
                      detail: "\(part): merged ranges \(a) and \(b) overlap")
    }

    static func badMergeRange(place: String, part: String, _ ref: String) -> XLSXReadError {
        XLSXReadError(.malformedXML,
                      message: "\(place)的合并单元格范围“\(ref)”无法识别，文件已损坏；请在 Excel/WPS 中重新保存",
                      detail: "\(part): mergeCell ref \(ref.debugDescription) is not a range")
    }

    static func malformedXML(_ part: String, _ reason: String) -> XLSXReadError {
        XLSXReadError(.malformedXML, message: "文件内容格式错误（\(part)），无法读取",
                      detail: "\(part): \(reason)")
    }

    static func unsupported(_ path: String, _ reason: String) -> XLSXReadError {
        XLSXReadError(.unsupported, message: "文件使用了不支持的压缩或加密方式，请在 Excel/WPS 中重新保存为 .xlsx",
                      detail: "\(path): \(reason)")
    }

    private static func fileName(_ path: String) -> String {
        (path as NSString).lastPathComponent
    }

    /// "1 GiB（1073741824 字节）": the round figure a clerk reads, and the exact one.
    static func byteText(_ bytes: UInt64) -> String {
        let units: [(UInt64, String)] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        for (size, name) in units where bytes >= size {
            let value = Double(bytes) / Double(size)
            let shown = value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
            return "\(shown) \(name)（\(bytes) 字节）"
        }
        return "\(bytes) 字节"
    }
}
