import BudgetCore
import BudgetWorkbook
import BudgetXLSX
import Foundation

/// Code lists from XLSX, as a finance bureau hands them out (`budget codes import … FILE.xlsx`).
public enum CodeListImport {
    /// Reads the first worksheet: columns code and name (or 科目编码 and 科目名称), the header
    /// possibly below a title. A code Excel stored as a number is the code; `2.08E+06` is refused.
    /// The rules per row are CodeLists.validateCode's, as for a CSV list.
    public static func readXLSX(_ url: URL, set: CodeSet, limits: XLSXReadLimits = XLSXReadLimits(),
                                problems: inout ProblemCollector) throws -> [(String, String)] {
        let reader = try XLSXReader(url: url, limits: limits)
        guard let first = reader.sheets.first(where: { $0.kind == .worksheet }) else {
            throw XLSXReadError(.missingPart, message: "文件中没有工作表", detail: "\(url.path): no worksheet")
        }
        let merged = try XLSXReader(url: url, limits: limits).mergedRanges(sheet: first.name) // see FileImporter.read
        let t = TableReader(input: .sheet(reader, name: first.name, merged: merged), schema: .codeList)
        var out: [(String, String)] = []
        var seen = Set<String>()
        var warnings: [Problem] = []
        try t.read(problems: &problems, warnings: &warnings) { row, problems in
            let n = row.number
            var code = "", name = ""
            do { code = try CellValues.code(row.values[0]) } catch {
                FileImporter.add(&problems, t, n, "code", error, row.values[0]); return
            }
            do { name = try CellValues.text(row.values[1]).trimmingSpaces } catch {
                FileImporter.add(&problems, t, n, "name", error, row.values[1]); return
            }
            CodeLists.validateCode(code, name: name, set: set, seen: &seen, location: { t.location(row: n, key: $0) },
                                   problems: &problems)
            if set.isWellFormed(code), !name.isEmpty { out.append((code, name)) }
        }
        return out
    }
}
