import BudgetCore
import BudgetWorkbook
import BudgetXLSX
import Foundation

/// Code lists from XLSX, as a finance bureau hands them out (`budget codes import … FILE.xlsx`).
public enum CodeListImport {
    /// Reads the first worksheet: columns code and name (or 科目编码 and 科目名称), the header
    /// possibly below a title. A code Excel stored as a number is the code; `2.08E+06` is refused.
    /// The rules per row are `RowRules.codeListEntry`, as for a CSV list.
    public static func readXLSX(_ url: URL, set: CodeSet, limits: XLSXReadLimits = XLSXReadLimits(),
                                problems: inout ProblemCollector) throws -> [(String, String)] {
        let reader = try XLSXReader(url: url, limits: limits)
        guard let first = reader.sheets.first(where: { $0.kind == .worksheet }) else {
            throw XLSXReadError(.missingPart, message: "文件中没有工作表", detail: "\(url.path): no worksheet")
        }
        let mergedReader = try XLSXReader(url: url, limits: limits) // see FileImporter.read
        var seen = Set<String>()
        var warnings: [Problem] = []
        return try FileImporter.readSheet(TableInput(reader: reader, name: first.name, mergedBy: mergedReader), schema: .codeList,
                                          warnings: &warnings, problems: &problems) { r, _, p in
            RowRules.codeListEntry(&r, set: set, seen: &seen, problems: &p)
        }.rows
    }
}
