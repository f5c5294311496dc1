import BudgetCore
import Foundation

/// The workbook folder: the plain-text form of one department's budget for one year
/// (docs/workbook-folder.md). Reading reports every problem found, up to a limit; writing is
/// in a defined order so load → save → load → save is byte-identical. The rules of each row are
/// `RowRules`, over the columns of `TableSchema`, which `budget import` reads by too.
public enum WorkbookFolder {
    /// items.csv's header, in the order written.
    public static var itemColumns: [String] { TableSchema.items.keys }

    /// Reads a workbook folder against the default code sets. Throws `ProblemsError` listing every
    /// problem (file, line, column, value, rule), or a `WorkbookError` for a missing folder or file.
    public static func read(_ folder: URL, defaults: CodeBook, limit: Int = 200) throws -> Budget {
        try readReporting(folder, defaults: defaults, limit: limit).budget
    }

    /// `read`, with the warnings the load found (a stated amount that differs from its basis):
    /// the caller shows them; they do not stop the load.
    ///
    /// `lines`, when given, is handed items.csv's lines while the file is still being read, in
    /// order, in slices of at most `ItemStream.chunk` (a load's writer inserts them meanwhile, on
    /// the other core). They are exactly the returned budget's items, except that a line with a
    /// basis gets its computed amount afterwards. A read that fails may have handed out some.
    public static func readReporting(_ folder: URL, defaults: CodeBook, limit: Int = 200,
                                     lines: ((ArraySlice<LineItem>) -> Void)? = nil) throws -> (budget: Budget, warnings: [Problem]) {
        var problems = ProblemCollector(limit: limit)
        var fm: Bool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &fm), fm else {
            throw WorkbookError.notAFolder(folder.path)
        }
        let meta = try readMeta(folder.appendingPathComponent("workbook.json"), problems: &problems)
        var budget = Budget(department: meta.department, departmentCode: meta.departmentCode, year: meta.year,
                            codes: defaults, tableSet: meta.tableSet)

        if let bytes = try optionalFile(folder, "codes.csv") {
            readCodes(bytes, into: &budget.codes, problems: &problems)
        }
        if let bytes = try optionalFile(folder, "economic-map.csv") {
            readEconomicMap(bytes, file: "economic-map.csv", into: &budget.codes, origin: .workbook, problems: &problems)
        }
        budget.units = readUnits(try requiredFile(folder, "units.csv"), problems: &problems).rows
        let projects = readProjects(try requiredFile(folder, "projects.csv"), problems: &problems)
        budget.projects = projects.rows
        let v = LineItemValidator(codes: budget.codes, units: budget.units, projects: budget.projects)
        for (i, p) in projects.rows.enumerated() { v.validate(p, at: { projects.location(i, $0) }, into: &problems) }
        // Items are checked against codes, units and projects only when those read cleanly, so
        // one broken units.csv does not bury the clerk under a message per line.
        let contextIsSound = !problems.hasErrors
        let items = readItems(try requiredFile(folder, "items.csv"), file: "items.csv", problems: &problems, lines: lines)
        budget.items = items.rows
        var revenue = ReadRows<RevenueLine>()
        if let bytes = try optionalFile(folder, "revenue.csv") {
            revenue = readRevenue(bytes, problems: &problems)
            budget.revenue = revenue.rows
        }
        let basis = try readBasisFiles(folder, into: &budget, problems: &problems)
        if contextIsSound {
            v.validate(budget.items, at: { items.location($0, $1) }, into: &problems)
            for (i, r) in budget.revenue.enumerated() { v.validate(r, at: { revenue.location(i, $0) }, into: &problems) }
            checkUnits(basis, of: budget, problems: &problems)
        }
        if !problems.hasErrors && !problems.truncated { computeBasis(&budget, items: items, problems: &problems) }
        LineValueRules.checkTotals(items: budget.items, revenue: budget.revenue, itemsAt: Location(file: "items.csv"),
                                   revenueAt: Location(file: "revenue.csv"), into: &problems)
        try problems.throwIfErrors()
        return (budget, problems.problems.filter { $0.severity != .error })
    }

    struct Meta { var department: String; var departmentCode: String; var year: Int; var tableSet: String? }

    static func readMeta(_ url: URL, problems: inout ProblemCollector) throws -> Meta {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw WorkbookError.missingFile(url.path)
        }
        var meta = Meta(department: "", departmentCode: "", year: 0, tableSet: nil)
        let loc = Location(file: "workbook.json")
        guard let obj = try? JSONSerialization.jsonObject(with: stripBOM(data)) as? [String: Any] else {
            problems.add(Problem(rule: .workbookJSON, location: loc, message: "workbook.json 不是有效的 JSON 对象"))
            return meta
        }
        for key in obj.keys where !["department", "department_code", "year", "tables"].contains(key) {
            problems.add(Problem(rule: .unknownColumn, location: Location(file: "workbook.json", column: key), value: key,
                                 message: "未知的字段 `\(key)`（可用的字段：department, department_code, year, tables）"))
        }
        // The disclosure table set's name (Templates/tables/<name>); that it is installed is checked where tables are built.
        if let t = obj["tables"] {
            if let name = t as? String, !name.isEmpty, !name.contains("/") { meta.tableSet = name } else {
                problems.add(Problem(rule: .workbookJSON, location: Location(file: "workbook.json", column: "tables"), value: "\(t)",
                                     message: "tables 应为公开表模板集的名称，例如 mof-9"))
            }
        }
        for key in ["department", "department_code"] {
            if let s = obj[key] as? String, let refused = TextRule.firstRefused(in: s) {
                problems.add(Problem(rule: .controlCharacter, location: Location(file: "workbook.json", column: key),
                                     value: s, message: TextRule.message(refused)))
            }
            if let s = obj[key] as? String, let why = TextRule.lengthProblem(s) {
                problems.add(Problem(rule: .textTooLong, location: Location(file: "workbook.json", column: key),
                                     value: String(s.prefix(40)) + "……", message: why))
            }
        }
        if let d = obj["department"] as? String, !d.trimmingSpaces.isEmpty { meta.department = d.trimmingSpaces } else {
            problems.add(Problem(rule: .workbookJSON, location: Location(file: "workbook.json", column: "department"),
                                 message: "缺少部门名称 department"))
        }
        meta.departmentCode = (obj["department_code"] as? String) ?? ""
        if let y = obj["year"] as? Int, (2000...2100).contains(y) { meta.year = y } else {
            problems.add(Problem(rule: .workbookJSON, location: Location(file: "workbook.json", column: "year"),
                                 value: "\(obj["year"] ?? "")", message: "year 应为 2000 到 2100 之间的年份"))
        }
        return meta
    }

    static func stripBOM(_ d: Data) -> Data { d.starts(with: [0xEF, 0xBB, 0xBF]) ? d.dropFirst(3) : d }

    static func requiredFile(_ folder: URL, _ name: String) throws -> [UInt8] {
        let url = folder.appendingPathComponent(name)
        guard let d = FileManager.default.contents(atPath: url.path) else { throw WorkbookError.missingFile(url.path) }
        return [UInt8](d)
    }

    static func optionalFile(_ folder: URL, _ name: String) throws -> [UInt8]? {
        let url = folder.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let d = FileManager.default.contents(atPath: url.path) else { throw WorkbookError.unreadable(url.path) }
        return [UInt8](d)
    }

    /// Reads the rows of a CSV file by one row rule, given the amount unit: what the header states
    /// (`金额（万元）`), else `amountUnit`, else 元.
    static func readRows<Row: Sendable>(_ bytes: [UInt8], file: String, schema: TableSchema, amountUnit flag: AmountUnit? = nil,
                              problems: inout ProblemCollector, chunks: ((ArraySlice<Row>) -> Void)? = nil,
                              _ row: (inout CSVRecord, AmountUnit, inout ProblemCollector) -> Row?) -> ReadRows<Row> {
        var out = ReadRows<Row>()
        let errorsBefore = problems.errorCount
        guard var t = CSVTable(file: file, bytes: bytes, schema: schema, problems: &problems) else { return out }
        let columns = t.columns
        out.columns = columns
        out.amountUnit = t.header.amountUnit(flag: flag, at: columns.location(row: t.header.line, key: "amount"), problems: &problems)
        let unit = out.amountUnit
        out.rows.reserveCapacity(bytes.count / 80)
        out.lines.reserveCapacity(bytes.count / 80)
        var handed = 0
        t.forEachRecord(problems: &problems) { r, problems in
            out.rowsRead += 1
            if let v = row(&r, unit, &problems) {
                out.rows.append(v)
                out.lines.append(Int32(clamping: r.line))
                if let chunks, out.rows.count - handed == ItemStream.chunk {
                    chunks(out.rows[handed...])
                    handed = out.rows.count
                }
            }
        }
        if let chunks, handed < out.rows.count { chunks(out.rows[handed...]) }
        out.clean = problems.errorCount == errorsBefore && !problems.truncated
        return out
    }

    static func readUnits(_ bytes: [UInt8], problems: inout ProblemCollector) -> ReadRows<BudgetUnit> {
        var seen = Set<String>()
        return readRows(bytes, file: "units.csv", schema: .units, problems: &problems) { r, _, p in RowRules.unit(&r, seen: &seen, problems: &p) }
    }

    static func readProjects(_ bytes: [UInt8], problems: inout ProblemCollector) -> ReadRows<Project> {
        var seen = Set<[String]>()
        return readRows(bytes, file: "projects.csv", schema: .projects, problems: &problems) { r, _, p in
            RowRules.project(&r, seen: &seen, problems: &p)
        }
    }

    /// Reads items.csv, or any CSV with its columns (`budget import x.csv`), with the line of each
    /// item. The amount unit is what the header states (`金额（万元）`), else `amountUnit`, else 元.
    /// `lines` is handed the lines as they are read (`readReporting`).
    public static func readItems(_ bytes: [UInt8], file: String, amountUnit: AmountUnit? = nil,
                                 problems: inout ProblemCollector, lines: ((ArraySlice<LineItem>) -> Void)? = nil) -> ReadRows<LineItem> {
        var omitted: Set<Int> = [], kept = 0
        var out = readRows(bytes, file: file, schema: .itemsWithBasis, amountUnit: amountUnit, problems: &problems,
                           chunks: lines) { (r, unit, p) -> LineItem? in
            var none = false
            guard let item = RowRules.item(&r, unit: unit, problems: &p, basisColumn: TableSchema.itemBasisColumn,
                                           amountOmitted: &none) else { return nil }
            if none { omitted.insert(kept) }
            kept += 1
            return item
        }
        out.amountOmitted = omitted
        return out
    }

    static func readRevenue(_ bytes: [UInt8], problems: inout ProblemCollector) -> ReadRows<RevenueLine> {
        readRows(bytes, file: "revenue.csv", schema: .revenue, problems: &problems) { r, unit, p in RowRules.revenue(&r, unit: unit, problems: &p) }
    }

    static func readCodes(_ bytes: [UInt8], into book: inout CodeBook, problems: inout ProblemCollector) {
        let rows = readRows(bytes, file: "codes.csv", schema: .workbookCodes, problems: &problems) { r, _, p in
            RowRules.workbookCode(&r, problems: &p)
        }
        for (set, code, name) in rows.rows { book.define(set, code: code, name: name, origin: .workbook) }
    }

    /// Reads an economic map (`economic,government_admin,government_institution`).
    public static func readEconomicMap(_ bytes: [UInt8], file: String, into book: inout CodeBook, origin: CodeOrigin,
                                       problems: inout ProblemCollector) {
        let rows = readRows(bytes, file: file, schema: .economicMap, problems: &problems) { r, _, p in
            RowRules.economicMapping(&r, problems: &p)
        }
        for (e, m) in rows.rows { book.map(economic: e, to: m, origin: origin) }
    }
}

/// How items.csv's lines are handed to a load's writer while they are read.
public enum ItemStream {
    /// Lines per slice: big enough that handing one over costs nothing next to reading it, small
    /// enough that the writer starts at once and the slices in flight stay a few MB.
    public static let chunk = 8192
}

/// A workbook folder that cannot be read at all.
public enum WorkbookError: Error, CustomStringConvertible, Sendable {
    case notAFolder(String)
    case missingFile(String)
    case unreadable(String)
    case cannotWrite(String, String)

    public var description: String {
        switch self {
        case .notAFolder(let p): return "找不到工作簿文件夹 \(p)"
        case .missingFile(let p): return "缺少文件 \(p)"
        case .unreadable(let p): return "无法读取文件 \(p)"
        case .cannotWrite(let p, let why): return "无法写入 \(p)：\(why)"
        }
    }
}
