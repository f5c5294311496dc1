import BudgetCore
import BudgetTables
import BudgetXLSX
import Foundation

/// Writes disclosure tables as XLSX, one sheet a table, laid out as the published tables are.
///
/// The file is written beside the target under a temporary name and renamed into place, so a
/// failed export leaves no partial file. Rows go out in order, so libxlsxwriter's constant-memory
/// mode is used; the creation time is pinned, so the same tables give byte-identical files.
public enum TableExporter {
    public struct Options: Sendable {
        /// Stream rows through libxlsxwriter's constant-memory mode.
        public var constantMemory = true
        public var properties = XLSXDocumentProperties()
        /// Sheets added after the tables (the disclosure's chart, procurement and performance target
        /// sheets, written by BudgetPublish); not in split files. Their rows are not written in
        /// order, so a workbook with them is written without constant-memory mode.
        public var appendSheets: (@Sendable (XLSXWorkbook) throws -> Void)?
        public init(constantMemory: Bool = true, properties: XLSXDocumentProperties = XLSXDocumentProperties(),
                    appendSheets: (@Sendable (XLSXWorkbook) throws -> Void)? = nil) {
            self.constantMemory = constantMemory; self.properties = properties; self.appendSheets = appendSheets
        }
    }

    /// Writes `tables` into one workbook at `url`, every sheet printed at one scale (`PrintLayout`).
    public static func write(_ tables: [DisclosureTable], to url: URL, options: Options = Options()) throws(ExportError) {
        let layout = PrintLayout(tables)
        try write(tables, widths: layout.widths, to: url, options: options)
    }

    /// Writes `tables` with the given column widths (a split file keeps the widths of the whole
    /// set, so a table prints at the same size in both).
    static func write(_ tables: [DisclosureTable], widths: [[Double]], to url: URL,
                      options: Options) throws(ExportError) {
        guard !tables.isEmpty else { throw .nothingToWrite }
        let dir = url.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            throw .cannotWrite(url.path, "文件夹 \(dir.path) 不存在")
        }
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue {
            throw .cannotWrite(url.path, "这是一个文件夹")
        }
        guard FileManager.default.isWritableFile(atPath: dir.path) else {
            throw .cannotWrite(url.path, "没有写入文件夹 \(dir.path) 的权限")
        }
        do {
            try XLSXWorkbook.writeAtomically(to: url, options: .init(constantMemory: options.constantMemory && options.appendSheets == nil),
                                             properties: options.properties) { wb in
                for (t, w) in zip(tables, widths) { try SheetWriter(table: t, widths: w).write(into: wb) }
                try options.appendSheets?(wb)
            }
        } catch .build(let e as XLSXError) {
            throw .xlsx(url.path, e)
        } catch {
            throw .cannotWrite(url.path, error.reason)
        }
    }

    /// Writes each table to its own file in `folder` (created if missing), named after its sheet,
    /// laid out as in the whole set, so each prints at the set's one scale. Returns the files written.
    @discardableResult
    public static func writeSplit(_ tables: [DisclosureTable], to folder: URL, options: Options = Options()) throws(ExportError) -> [URL] {
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw .cannotWrite(folder.path, error.localizedDescription)
        }
        let layout = PrintLayout(tables)
        var options = options
        options.appendSheets = nil
        var out: [URL] = []
        for (t, w) in zip(tables, layout.widths) {
            let u = folder.appendingPathComponent("\(t.sheetName).xlsx")
            try write([t], widths: [w], to: u, options: options)
            out.append(u)
        }
        return out
    }
}

/// Why an export failed.
public enum ExportError: Error, Sendable, CustomStringConvertible {
    case nothingToWrite
    case cannotWrite(String, String)
    case xlsx(String, XLSXError)

    public var description: String {
        switch self {
        case .nothingToWrite: return "没有要导出的表格（模板集为空）"
        case .cannotWrite(let path, let reason): return "无法写入 \(path)：\(reason)；未生成文件"
        case .xlsx(let path, let e): return "写入 \(path) 失败：\(e.message)（\(e.context)）；未生成文件"
        }
    }
}
