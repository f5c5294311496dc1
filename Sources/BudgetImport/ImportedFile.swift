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

    public init(sheet: String? = nil, amountUnit: AmountUnit? = nil, limits: XLSXReadLimits = XLSXReadLimits(),
                problemLimit: Int = 200) {
        self.sheet = sheet; self.amountUnit = amountUnit; self.limits = limits; self.problemLimit = problemLimit
    }
}

/// Names the cells of one table in messages, after the table has been read.
public struct CellLocator: Sendable {
    let place: String
    /// Column key → the column part of a location (`H（金额）` or `amount`).
    let columns: [String: String]

    init(_ t: TableReader) {
        place = t.input.place
        var columns: [String: String] = [:]
        for c in t.schema.columns { columns[c.key] = t.location(row: 0, key: c.key).column }
        self.columns = columns
    }

    public func location(row: Int, key: String) -> Location {
        Location(file: place, line: row, column: columns[key] ?? key)
    }
}

/// What a file holds, read and checked cell by cell (not yet against a workspace).
public struct ImportedFile: Sendable {
    /// The line items, and the row each came from.
    public var items: [LineItem] = []
    public var itemRows: [Int32] = []
    public var itemCells: CellLocator?
    /// The 单位, 项目 and 收入 sheets of an input workbook; nil when the file has no such sheet.
    public var units: [BudgetUnit]?
    public var unitRows: [Int32] = []
    public var unitCells: CellLocator?
    public var projects: [Project]?
    public var projectRows: [Int32] = []
    public var projectCells: CellLocator?
    public var revenue: [RevenueLine]?
    public var revenueRows: [Int32] = []
    public var revenueCells: CellLocator?
    /// The sheet (or file) the items came from.
    public var itemSource = ""
    /// The unit amounts were read in.
    public var amountUnit: AmountUnit = .yuan
    /// Ignored columns and the like: shown, but they do not stop the import.
    public var warnings: [Problem] = []
    /// Rows read from the item sheet (for the speed figures).
    public var rowsRead = 0
    /// Problems found in the cells; `FileImporter.plan` adds its own and throws them all.
    public var problems = ProblemCollector()

    public func itemLocation(_ i: Int, _ key: String) -> Location {
        itemCells?.location(row: Int(itemRows[i]), key: key) ?? Location(line: Int(itemRows[i]), column: key)
    }
}

/// Reads line items (and, from an input workbook, units, projects and revenue) from XLSX or CSV.
public enum FileImporter {
    /// The sheet names of the input workbook (`budget template`).
    public static let itemsSheet = "支出明细"
    public static let unitsSheet = "单位"
    public static let projectsSheet = "项目"
    public static let revenueSheet = "收入"

    /// Reads a file. Problems in its cells (sheet, row, column, value, rule) are collected in
    /// `problems`, for `plan` to report together with the checks against the workspace; a file that
    /// is not a readable workbook at all throws `XLSXReadError` (or `WorkbookError` for a missing file).
    public static func read(_ url: URL, options: ImportOptions = ImportOptions()) throws -> ImportedFile {
        var problems = ProblemCollector(limit: options.problemLimit)
        var out = ImportedFile()
        if isCSV(url) {
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw WorkbookError.missingFile(url.path)
            }
            out.itemSource = url.lastPathComponent
            try readItems(.csv(bytes: [UInt8](data), file: url.lastPathComponent), options: options, into: &out,
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
            // Merged ranges follow the cell data in a sheet part: a first pass with a second reader
            // (its own inflate budget, shared by the sheets) finds them, so the rows stream once.
            let mergedReader = try XLSXReader(url: url, limits: options.limits)
            func table(_ sheet: String) throws -> TableInput {
                .sheet(reader, name: sheet, merged: try mergedReader.mergedRanges(sheet: sheet))
            }
            try readItems(try table(itemSheet), options: options, into: &out, problems: &problems)
            // The other sheets of an input workbook, when reading it whole.
            if options.sheet == nil, itemSheet == itemsSheet {
                let names = Set(worksheets.map(\.name))
                if names.contains(unitsSheet) {
                    try readUnits(try table(unitsSheet), into: &out, problems: &problems)
                }
                if names.contains(projectsSheet) {
                    try readProjects(try table(projectsSheet), into: &out, problems: &problems)
                }
                if names.contains(revenueSheet) {
                    try readRevenue(try table(revenueSheet), into: &out, problems: &problems)
                }
            }
        }
        out.problems = problems
        return out
    }

    static func isCSV(_ url: URL) -> Bool {
        ["csv", "txt"].contains(url.pathExtension.lowercased())
    }

    static func add(_ problems: inout ProblemCollector, _ t: TableReader, _ row: Int, _ key: String, _ error: any Error,
                    _ v: XLSXValue) {
        let r = error as? CellRefusal ?? CellRefusal(rule: "cell", message: "\(error)")
        problems.add(Problem(rule: r.rule, location: t.location(row: row, key: key), value: CellValues.shown(v), message: r.message))
    }

    // MARK: 支出明细

    static func readItems(_ input: TableInput, options: ImportOptions, into out: inout ImportedFile,
                          problems: inout ProblemCollector) throws {
        let t = TableReader(input: input, schema: .items)
        var unit: AmountUnit = .yuan
        var unitChecked = false
        var items: [LineItem] = []
        var rows: [Int32] = []
        var count = 0
        if case .csv(let bytes, _) = input { items.reserveCapacity(bytes.count / 80); rows.reserveCapacity(bytes.count / 80) }
        let ok = try t.read(problems: &problems, warnings: &out.warnings) { row, problems in
            if !unitChecked {
                unitChecked = true
                unit = amountUnit(stated: t.statedAmountUnit, flag: options.amountUnit, table: t, problems: &problems)
            }
            count += 1
            if let item = parseItem(row, t, unit: unit, problems: &problems) {
                items.append(item)
                rows.append(Int32(clamping: row.number))
            }
        }
        if ok { out.itemCells = CellLocator(t) }
        out.items = items
        out.itemRows = rows
        out.amountUnit = unit
        out.rowsRead = count
    }

    /// The amount unit: what the header states, else the flag, else 元; a header and a flag that
    /// disagree are a problem (the clerk must say which is right).
    static func amountUnit(stated: AmountUnit?, flag: AmountUnit?, table t: TableReader,
                           problems: inout ProblemCollector) -> AmountUnit {
        if let stated, let flag, stated != flag {
            problems.add(Problem(rule: "amount-unit", location: Location(file: t.input.place, line: t.headerRow,
                                                                         column: t.location(row: 0, key: "amount").column),
                                 message: "表头写明金额以\(stated.chineseName)为单位，但命令指定了 --unit-\(flag == .yuan ? "yuan" : "wan")（\(flag.chineseName)）；请去掉其中一个"))
        }
        return stated ?? flag ?? .yuan
    }

    static func parseItem(_ row: TableRow, _ t: TableReader, unit amountUnit: AmountUnit,
                          problems: inout ProblemCollector) -> LineItem? {
        var ok = true
        let n = row.number
        func value(_ key: String) -> XLSXValue { row.values[ItemColumn.index(key)] }
        func code(_ key: String, empty: String?) -> String {
            let v = value(key)
            do {
                let c = try CellValues.code(v)
                if c.isEmpty, let empty {
                    problems.add(Problem(rule: "empty-value", location: t.location(row: n, key: key), message: empty)); ok = false
                }
                return c
            } catch { add(&problems, t, n, key, error, v); ok = false; return "" }
        }
        func word(_ key: String) -> String {
            let v = value(key)
            do { return try CellValues.word(v) } catch { add(&problems, t, n, key, error, v); ok = false; return "" }
        }
        let unit = code("unit", empty: "单位为空")
        let function = code("function", empty: "功能分类科目为空")
        let economic = code("economic", empty: "经济分类科目为空")
        let sourceText = word("source"), carryText = word("carryover"), kindText = word("kind")
        let source = Source(name: sourceText)
        if source == nil {
            problems.add(Problem(rule: "source", location: t.location(row: n, key: "source"), value: sourceText,
                                 message: "资金来源 `\(sourceText)` 不对，应为 一般公共预算、政府性基金预算、国有资本经营预算、财政专户管理资金 或 单位资金"))
        }
        let carry = Carryover(name: carryText)
        if carry == nil {
            problems.add(Problem(rule: "carryover", location: t.location(row: n, key: "carryover"), value: carryText,
                                 message: "`\(carryText)` 不对，应为 当年 或 上年结转"))
        }
        let kind = ExpenditureKind(name: kindText)
        if kind == nil {
            problems.add(Problem(rule: "kind", location: t.location(row: n, key: "kind"), value: kindText,
                                 message: "支出类型 `\(kindText)` 不对，应为 基本支出 或 项目支出"))
        }
        var amount = Money.zero
        do { amount = try CellValues.amount(value("amount"), unit: amountUnit) } catch {
            add(&problems, t, n, "amount", error, value("amount")); ok = false
        }
        let project = code("project", empty: nil)
        let gov = code("gov_economic", empty: nil)
        var memo = ""
        do { memo = try CellValues.text(value("memo")) } catch { add(&problems, t, n, "memo", error, value("memo")); ok = false }
        guard ok, let source, let carry, let kind else { return nil }
        return LineItem(unit: unit, function: function, economic: economic, source: source, carryover: carry, kind: kind,
                        project: project.isEmpty ? nil : project, amount: amount,
                        governmentEconomic: gov.isEmpty ? nil : gov, memo: memo)
    }

    /// The schema position of an item column, without hashing a string per cell.
    enum ItemColumn {
        static func index(_ key: String) -> Int {
            switch key {
            case "unit": return 0
            case "function": return 1
            case "economic": return 2
            case "source": return 3
            case "carryover": return 4
            case "kind": return 5
            case "project": return 6
            case "amount": return 7
            case "gov_economic": return 8
            default: return 9
            }
        }
    }

    // MARK: 单位, 项目, 收入 (the rules of units.csv, projects.csv and revenue.csv)

    static func readUnits(_ input: TableInput, into out: inout ImportedFile, problems: inout ProblemCollector) throws {
        let t = TableReader(input: input, schema: .units)
        var units: [BudgetUnit] = [], rows: [Int32] = []
        var seen = Set<String>()
        try t.read(problems: &problems, warnings: &out.warnings) { row, problems in
            let n = row.number
            var code = "", name = "", typeText = ""
            do { code = try CellValues.code(row.values[0]) } catch { add(&problems, t, n, "code", error, row.values[0]); return }
            do { name = try CellValues.text(row.values[1]).trimmingSpaces } catch { add(&problems, t, n, "name", error, row.values[1]); return }
            do { typeText = try CellValues.word(row.values[2]) } catch { add(&problems, t, n, "type", error, row.values[2]); return }
            if code.isEmpty { problems.add(Problem(rule: "empty-value", location: t.location(row: n, key: "code"), message: "单位编码为空")) }
            else if !seen.insert(code).inserted {
                problems.add(Problem(rule: "duplicate-unit", location: t.location(row: n, key: "code"), value: code, message: "单位编码 `\(code)` 重复"))
            }
            if name.isEmpty { problems.add(Problem(rule: "empty-value", location: t.location(row: n, key: "name"), message: "单位名称为空")) }
            guard let type = UnitType(name: typeText) else {
                problems.add(Problem(rule: "unit-type", location: t.location(row: n, key: "type"), value: typeText,
                                     message: "单位类型 `\(typeText)` 不对，应为 行政单位、参公事业单位 或 事业单位"))
                return
            }
            units.append(BudgetUnit(code: code, name: name, type: type))
            rows.append(Int32(clamping: n))
        }
        out.units = units
        out.unitRows = rows
        out.unitCells = CellLocator(t)
    }

    static func readProjects(_ input: TableInput, into out: inout ImportedFile, problems: inout ProblemCollector) throws {
        let t = TableReader(input: input, schema: .projects)
        var projects: [Project] = [], rows: [Int32] = []
        var seen = Set<[String]>()
        try t.read(problems: &problems, warnings: &out.warnings) { row, problems in
            let n = row.number
            var code = "", unit = "", name = "", cat = ""
            do { code = try CellValues.code(row.values[0]) } catch { add(&problems, t, n, "code", error, row.values[0]); return }
            do { unit = try CellValues.code(row.values[1]) } catch { add(&problems, t, n, "unit", error, row.values[1]); return }
            do { name = try CellValues.text(row.values[2]).trimmingSpaces } catch { add(&problems, t, n, "name", error, row.values[2]); return }
            do { cat = try CellValues.word(row.values[3]) } catch { add(&problems, t, n, "category", error, row.values[3]); return }
            if code.isEmpty { problems.add(Problem(rule: "empty-value", location: t.location(row: n, key: "code"), message: "项目编码为空")) }
            if name.isEmpty { problems.add(Problem(rule: "empty-value", location: t.location(row: n, key: "name"), message: "项目名称为空")) }
            if !seen.insert([unit, code]).inserted {
                problems.add(Problem(rule: "duplicate-project", location: t.location(row: n, key: "code"), value: code,
                                     message: "单位 `\(unit)` 的项目编码 `\(code)` 重复"))
            }
            guard let category = ProjectCategory(name: cat) else {
                problems.add(Problem(rule: "project-category", location: t.location(row: n, key: "category"), value: cat,
                                     message: "项目类别 `\(cat)` 不对，应为 其他运转类、特定目标类 或留空"))
                return
            }
            projects.append(Project(code: code, unit: unit, name: name, category: category))
            rows.append(Int32(clamping: n))
        }
        out.projects = projects
        out.projectRows = rows
        out.projectCells = CellLocator(t)
    }

    static func readRevenue(_ input: TableInput, into out: inout ImportedFile, problems: inout ProblemCollector) throws {
        let t = TableReader(input: input, schema: .revenue)
        var lines: [RevenueLine] = [], rows: [Int32] = []
        try t.read(problems: &problems, warnings: &out.warnings) { row, problems in
            let n = row.number
            var st = "", code = ""
            do { st = try CellValues.word(row.values[0]) } catch { add(&problems, t, n, "source", error, row.values[0]); return }
            guard let source = Source(name: st) else {
                problems.add(Problem(rule: "source", location: t.location(row: n, key: "source"), value: st,
                                     message: "收入来源 `\(st)` 不对，应为 政府性基金预算 或 国有资本经营预算"))
                return
            }
            do { code = try CellValues.code(row.values[1]) } catch { add(&problems, t, n, "code", error, row.values[1]); return }
            do {
                let a = try CellValues.amount(row.values[2], unit: .yuan)
                lines.append(RevenueLine(source: source, code: code, amount: a))
                rows.append(Int32(clamping: n))
            } catch { add(&problems, t, n, "amount", error, row.values[2]) }
        }
        out.revenue = lines
        out.revenueRows = rows
        out.revenueCells = CellLocator(t)
    }
}
