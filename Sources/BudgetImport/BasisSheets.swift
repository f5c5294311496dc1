import BudgetCore
import BudgetWorkbook
import BudgetXLSX
import Foundation

/// The input template's sheets 参数, 标准 and 人员 (docs/basis.md): the columns of parameters.csv,
/// standards.csv and staff.csv with Chinese headers, read by the same row rules (`RowRules`).
extension FileImporter {
    public static let parametersSheet = TableSchema.parameters.title
    public static let standardsSheet = TableSchema.standards.title
    /// 人员: the roster sheet (its schema's title, 人员信息, is what messages about a roster call it).
    public static let staffSheet = "人员"

    /// Reads whichever of 参数, 标准 and 人员 the workbook has into `out`.
    static func readBasisSheets(_ names: Set<String>, table: (String) -> TableInput, into out: inout ImportedFile,
                                problems: inout ProblemCollector) throws {
        if names.contains(parametersSheet) {
            var seen = Set<[String]>(), rows = 0
            out.parameterTable = try readSheet(table(parametersSheet), schema: .parameters, warnings: &out.warnings,
                                               problems: &problems) { r, _, p in
                guard withinRows(&rows, r, p: &p) else { return nil }
                return RowRules.parameter(&r, seen: &seen, problems: &p)
            }
        }
        if names.contains(standardsSheet) {
            var seen = Set<String>(), rows = 0
            out.standardTable = try readSheet(table(standardsSheet), schema: .standards, warnings: &out.warnings,
                                              problems: &problems) { r, _, p in
                guard withinRows(&rows, r, p: &p) else { return nil }
                return RowRules.standard(&r, seen: &seen, problems: &p)
            }
        }
        if names.contains(staffSheet) {
            out.staffTable = try readStaffSheet(table(staffSheet), warnings: &out.warnings, problems: &problems)
        }
    }

    /// Reads a roster sheet (the template's 人员, or the sheet given to `budget staff import`): the
    /// fixed columns 单位, 姓名, 类别, 人数 and every other header a monthly amount field, as staff.csv.
    static func readStaffSheet(_ input: TableInput, warnings: inout [Problem], problems: inout ProblemCollector) throws -> ReadRows<StaffRow> {
        let input = try input.withMergedRangesFound()
        let fields = try staffFields(input, problems: &problems)
        var rows = 0
        return try readSheet(input, schema: .staff(fields: fields), warnings: &warnings, problems: &problems) { r, _, p in
            guard withinRows(&rows, r, p: &p) else { return nil }
            return RowRules.staffRow(&r, fields: fields, problems: &p)
        }
    }

    /// Reads the roster of an XLSX file for `budget staff import`: its 人员 sheet, else `sheet`, else
    /// the first visible sheet. Problems in the cells go to `problems`.
    public static func readStaff(_ url: URL, sheet: String? = nil, limits: XLSXReadLimits = XLSXReadLimits(),
                                 warnings: inout [Problem], problems: inout ProblemCollector) throws -> ReadRows<StaffRow> {
        let reader = try XLSXReader(url: url, limits: limits)
        let worksheets = reader.sheets.filter { $0.kind == .worksheet }
        let name: String
        if let sheet {
            name = try reader.sheet(named: sheet).name
        } else if let s = worksheets.first(where: { $0.name == staffSheet }) ?? worksheets.first(where: { $0.state == .visible }) ?? worksheets.first {
            name = s.name
        } else {
            throw XLSXReadError(.missingPart, message: "文件中没有工作表", detail: "\(url.path): no worksheet")
        }
        let mergedReader = try XLSXReader(url: url, limits: limits)
        let input = TableInput(reader: reader, name: name, mergedBy: mergedReader)
        return try readStaffSheet(input, warnings: &warnings, problems: &problems)
    }

    /// `RowRules.withinTableRows` for a sheet row.
    static func withinRows(_ rows: inout Int, _ r: SheetRecord, p: inout ProblemCollector) -> Bool {
        RowRules.withinTableRows(&rows, title: r.table.schema.title, at: Location(file: r.table.input.place, line: r.line), problems: &p)
    }

    /// The amount fields a roster sheet's header names: every header cell that is not a fixed column
    /// (单位, 姓名, 类别, 人数 and their aliases), in the sheet's order; each must be a name a basis can
    /// use, once, and at most `BasisLimits.staffFields` of them. The header is found as `TableReader`
    /// finds it (within the first rows, the first row naming two fixed columns).
    static func staffFields(_ input: TableInput, problems: inout ProblemCollector) throws -> [String] {
        let fixed = TableSchema.staff(fields: [])
        var fields: [String] = []
        var seenRows = 0
        struct Found: Error {}
        do {
            try input.reader.forEachRow(sheet: input.name) { row in
                let texts = row.cells.map { (column: $0.column, text: CellValues.shown($0.value).trimmingSpaces) }
                if texts.allSatisfy({ $0.text.isEmpty }) { return }
                seenRows += 1
                guard texts.filter({ fixed.column(forHeader: $0.text) != nil }).count >= 2 else {
                    if seenRows >= TableReader.headerSearchRows { throw Found() }
                    return
                }
                for (column, text) in texts where !text.isEmpty && fixed.column(forHeader: text) == nil {
                    let here = Location(file: input.place, line: row.number, column: "\(columnLetters(column))（\(text)）")
                    if !RowRules.staffField(text, fields: &fields, at: here, problems: &problems) { break }
                }
                throw Found()
            }
        } catch is Found {}
        return fields
    }
}
