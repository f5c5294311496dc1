import BudgetCore
import BudgetWorkbook
import BudgetXLSX
import Foundation

/// How to read a file for `budget import`.
public struct ImportOptions: Sendable {
    /// The sheet holding the line items; nil: 支出明细 if there is one, else the first visible sheet.
    public var sheet: String?
    /// The unit of a plain 金额 column, from `--unit-yuan` / `--unit-wan`; nil: 元, or what the header states.
    public var amountUnit: AmountUnit?
    public var limits: XLSXReadLimits
    /// At most this many problems are listed.
    public var problemLimit: Int
    /// A sheet whose part is at least this many bytes (inflated) is read on two threads, one
    /// tokenizing, one converting and checking; the result is the same either way (tests compare
    /// the two with 0 and `.max`).
    public var concurrentReadFromBytes: UInt64 = TableInput.defaultConcurrentFromBytes

    public init(sheet: String? = nil, amountUnit: AmountUnit? = nil, limits: XLSXReadLimits = XLSXReadLimits(),
                problemLimit: Int = 200) {
        self.sheet = sheet; self.amountUnit = amountUnit; self.limits = limits; self.problemLimit = problemLimit
    }
}

/// What a file holds, read and checked cell by cell (not yet against a workspace).
public struct ImportedFile: Sendable {
    /// The line items, each with the row it came from.
    public var itemTable = ReadRows<LineItem>()
    /// The 单位, 项目 and 收入 sheets of an input workbook; nil when the file has no such sheet.
    /// Only a sheet read `clean` is compared with the workspace: one that failed holds what could
    /// be read, and comparing that would add a second, false problem to the one already reported.
    public var unitTable: ReadRows<BudgetUnit>?
    public var projectTable: ReadRows<Project>?
    public var revenueTable: ReadRows<RevenueLine>?
    /// The 参数, 标准 and 人员 sheets of an input workbook; nil when the file has no such sheet.
    public var parameterTable: ReadRows<Parameter>?
    public var standardTable: ReadRows<Standard>?
    public var staffTable: ReadRows<StaffRow>?
    /// The sheet (or file) the items came from.
    public var itemSource = ""
    /// Ignored columns and the like: shown, but they do not stop the import.
    public var warnings: [Problem] = []
    /// Problems found in the cells; `FileImporter.plan` adds its own and throws them all.
    public var problems = ProblemCollector()

    public var items: [LineItem] { itemTable.rows }
    public var itemRows: [Int32] { itemTable.lines }
    public var units: [BudgetUnit]? { unitTable?.rows }
    public var projects: [Project]? { projectTable?.rows }
    public var revenue: [RevenueLine]? { revenueTable?.rows }
    public var parameters: [Parameter]? { parameterTable?.rows }
    public var standards: [Standard]? { standardTable?.rows }
    public var staff: [StaffRow]? { staffTable?.rows }
    /// The unit amounts were read in.
    public var amountUnit: AmountUnit { itemTable.amountUnit }
    /// Rows read from the item sheet (for the speed figures).
    public var rowsRead: Int { itemTable.rowsRead }

    public func itemLocation(_ i: Int, _ key: String) -> Location { itemTable.location(i, key) }
}

/// Reads line items (and, from an input workbook, units, projects, revenue, parameters, standards
/// and the roster) from XLSX or CSV.
public enum FileImporter {
    /// The sheet names of the input workbook (`budget template`).
    public static let itemsSheet = TableSchema.items.title
    public static let unitsSheet = TableSchema.units.title
    public static let projectsSheet = TableSchema.projects.title
    public static let revenueSheet = TableSchema.revenue.title

    /// Reads a file. Problems in its cells (sheet, row, column, value, rule) are collected in
    /// `problems`, for `plan` to report together with the checks against the workspace; a file that
    /// is not a readable workbook at all throws `XLSXReadError` (or `WorkbookError` for a missing file).
    /// A CSV file is read exactly as `budget load` reads items.csv (`WorkbookFolder.readItems`).
    public static func read(_ url: URL, options: ImportOptions = ImportOptions()) throws -> ImportedFile {
        var problems = ProblemCollector(limit: options.problemLimit)
        var out = ImportedFile()
        if isCSV(url) {
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw WorkbookError.missingFile(url.path)
            }
            out.itemSource = url.lastPathComponent
            out.itemTable = WorkbookFolder.readItems([UInt8](data), file: url.lastPathComponent, amountUnit: options.amountUnit,
                                                     problems: &problems)
        } else {
            let reader = try XLSXReader(url: url, limits: options.limits)
            let worksheets = reader.sheets.filter { $0.kind == .worksheet }
            let itemSheet: String
            if let s = options.sheet {
                itemSheet = try reader.sheet(named: s).name
            } else if let s = worksheets.first(where: { $0.name == itemsSheet }) {
                itemSheet = s.name
            } else if let s = worksheets.first(where: { $0.state == .visible }) ?? worksheets.first {
                itemSheet = s.name
            } else {
                throw XLSXReadError(.missingPart, message: "文件中没有工作表", detail: "\(url.path): no worksheet")
            }
            out.itemSource = itemSheet
            // Merged ranges follow the cell data in a sheet part: a pass of their own with a second
            // reader (its own inflate budget, shared by the sheets) finds them, so the rows stream once.
            let mergedReader = try XLSXReader(url: url, limits: options.limits)
            func table(_ sheet: String) -> TableInput {
                var input = TableInput(reader: reader, name: sheet, mergedBy: mergedReader)
                input.concurrentFromBytes = options.concurrentReadFromBytes
                return input
            }
            // The template's 测算依据 column is read like items.csv's: a line with a basis gets its amount
            // computed on import (an empty amount cell is allowed there).
            out.itemTable = try readSheet(table(itemSheet), schema: .itemsWithBasis, amountUnit: options.amountUnit,
                                          warnings: &out.warnings, problems: &problems) { r, unit, p in
                var omitted = false
                return RowRules.item(&r, unit: unit, problems: &p, basisColumn: TableSchema.itemBasisColumn, amountOmitted: &omitted)
            }
            // The other sheets of an input workbook, when reading it whole.
            if options.sheet == nil, itemSheet == itemsSheet {
                let names = Set(worksheets.map(\.name))
                var seenUnits = Set<String>(), seenProjects = Set<[String]>()
                if names.contains(unitsSheet) {
                    out.unitTable = try readSheet(table(unitsSheet), schema: .units, warnings: &out.warnings,
                                                  problems: &problems) { r, _, p in RowRules.unit(&r, seen: &seenUnits, problems: &p) }
                }
                if names.contains(projectsSheet) {
                    out.projectTable = try readSheet(table(projectsSheet), schema: .projects, warnings: &out.warnings,
                                                     problems: &problems) { r, _, p in RowRules.project(&r, seen: &seenProjects, problems: &p) }
                }
                if names.contains(revenueSheet) {
                    out.revenueTable = try readSheet(table(revenueSheet), schema: .revenue, warnings: &out.warnings,
                                                     problems: &problems) { r, unit, p in RowRules.revenue(&r, unit: unit, problems: &p) }
                }
                try readBasisSheets(names, table: table, into: &out, problems: &problems)
            }
        }
        out.problems = problems
        return out
    }

    static func isCSV(_ url: URL) -> Bool {
        ["csv", "txt"].contains(url.pathExtension.lowercased())
    }

    /// Reads the rows of a sheet by one row rule (`RowRules`), given the amount unit: what the
    /// header states, else `amountUnit` (the flag), else 元.
    static func readSheet<Row: Sendable>(_ input: TableInput, schema: TableSchema, amountUnit flag: AmountUnit? = nil,
                               warnings: inout [Problem], problems: inout ProblemCollector,
                               _ rule: (inout SheetRecord, AmountUnit, inout ProblemCollector) -> Row?) throws -> ReadRows<Row> {
        let t = TableReader(input: input, schema: schema)
        var out = ReadRows<Row>()
        let errorsBefore = problems.errorCount
        var unit: AmountUnit?
        let ok = try t.read(problems: &problems, warnings: &warnings) { row, problems in
            if unit == nil, let header = t.header {
                unit = header.amountUnit(flag: flag, at: t.location(row: header.line, key: "amount"), problems: &problems)
            }
            out.rowsRead += 1
            var record = SheetRecord(row: row, table: t)
            if let v = rule(&record, unit ?? .yuan, &problems) {
                out.rows.append(v)
                out.lines.append(Int32(clamping: row.number))
            }
        }
        if ok { out.columns = t.columns }
        out.amountUnit = unit ?? t.header?.statedAmountUnit ?? flag ?? .yuan
        out.clean = ok && problems.errorCount == errorsBefore && !problems.truncated
        return out
    }
}
