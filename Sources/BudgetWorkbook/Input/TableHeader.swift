import BudgetCore

/// A table's header row mapped to its schema: which file column holds each schema column.
/// One rule for every reader: columns in any order, named by the workbook folder's English name,
/// the template's Chinese header or an alias; a duplicated or missing required column is an error.
/// An unknown column is an error in a CSV file (every column of a CSV is data: `budget load` and
/// `budget import x.csv` alike) and a warning in a sheet, which often carries helper columns (序号).
public struct TableHeader: Sendable {
    /// Schema column → file column (0-based), for the columns present.
    public let fileColumn: [Int?]
    /// Schema column → the header text as written.
    public let text: [String?]
    /// The header row's line.
    public let line: Int
    /// The number of header cells (a CSV record must have as many fields).
    public let width: Int
    /// The unit an amount header states (`金额（万元）`).
    public let statedAmountUnit: AmountUnit?

    /// Maps `texts`, the header cells. `cellName(i, text)` is how a location names header cell `i`
    /// (`amount` in a CSV, `H（金额）` in a sheet), `columnName(i)` how a message refers to it
    /// (`第 8 列`, `H 列`); `missingName` names an absent column. Nil when the header is unusable
    /// (the problems say why).
    public init?(_ texts: [String], line: Int, schema: TableSchema, place: String, unknownIsError: Bool,
                 cellName: (Int, String) -> String, columnName: (Int) -> String, missingName: (TableColumn) -> String,
                 problems: inout ProblemCollector, warnings: inout [Problem]) {
        var fileColumn = [Int?](repeating: nil, count: schema.columns.count)
        var text = [String?](repeating: nil, count: schema.columns.count)
        var unit: AmountUnit?
        var ok = true
        for (c, raw) in texts.enumerated() {
            let t = raw.trimmingSpaces
            if t.isEmpty && !unknownIsError { continue }
            let here = Location(file: place, line: line, column: cellName(c, t))
            guard let (i, stated) = schema.column(forHeader: t) else {
                if unknownIsError {
                    problems.add(Problem(rule: .unknownColumn, location: here, value: t,
                                         message: "未知的列 `\(t)`（\(schema.title)的列：\(schema.listed)；不需要的列请删除）"))
                    ok = false
                } else {
                    warnings.append(Problem(rule: .unknownColumn, severity: .warning, location: here, value: t,
                                            message: "列 `\(t)` 不是\(schema.title)的列，已忽略（可用的列：\(schema.listed)）"))
                }
                continue
            }
            if let other = fileColumn[i] {
                problems.add(Problem(rule: .duplicateColumn, location: here, value: t,
                                     message: "列 `\(t)` 重复：\(columnName(other))已经是“\(schema.columns[i].chinese)”列（每一列只能出现一次）"))
                ok = false
                continue
            }
            fileColumn[i] = c
            text[i] = t
            if let stated { unit = stated }
        }
        for (i, c) in schema.columns.enumerated() where c.required && fileColumn[i] == nil {
            problems.add(Problem(rule: .missingColumn, location: Location(file: place, line: line, column: missingName(c)),
                                 message: "缺少必需的列“\(c.chinese)”（表头在第 \(line) 行；也可写作 \(([c.key] + c.aliases).joined(separator: "、"))）"))
            ok = false
        }
        if !ok { return nil }
        self.fileColumn = fileColumn
        self.text = text
        self.line = line
        self.width = texts.count
        self.statedAmountUnit = unit
    }

    /// The amount unit: what the header states, else the flag (`--unit-yuan`, `--unit-wan`), else 元.
    /// A header and a flag that disagree are a problem: the clerk must say which is right.
    public func amountUnit(flag: AmountUnit?, at location: Location, problems: inout ProblemCollector) -> AmountUnit {
        if let stated = statedAmountUnit, let flag, stated != flag {
            problems.add(Problem(rule: .amountUnit, location: location,
                                 message: "表头写明金额以\(stated.chineseName)为单位，但命令指定了 --unit-\(flag == .yuan ? "yuan" : "wan")（\(flag.chineseName)）；请去掉其中一个"))
        }
        return statedAmountUnit ?? flag ?? .yuan
    }
}

/// Names the fields of one table in messages after it has been read (the validator's problems
/// come later, by row and column key): `items.csv 第 7 行 列 amount`, `支出明细 第 7 行 列 H（金额）`.
public struct ColumnLocator: Sendable {
    public let place: String
    /// Column key → the column part of a location.
    let names: [String: String]

    public init(place: String, names: [String: String]) { self.place = place; self.names = names }

    public func location(row: Int, key: String) -> Location {
        Location(file: place, line: row, column: names[key] ?? key)
    }
}

/// The rows a table gave, each with its line; `clean` when no problem was found in it.
public struct ReadRows<Row: Sendable>: Sendable {
    public var rows: [Row] = []
    public var lines: [Int32] = []
    public var columns: ColumnLocator?
    /// The table (header and every row) read without an error: checks that compare the table
    /// with something else (a workspace's revenue) are only meaningful then.
    public var clean = false
    /// The unit the amounts were read in (item and revenue tables).
    public var amountUnit: AmountUnit = .yuan
    /// Rows read (for the speed figures), kept or not.
    public var rowsRead = 0
    /// Items with a basis whose amount cell was empty (indices into `rows`): no stated amount to compare.
    public var amountOmitted: Set<Int> = []

    public init() {}

    public func location(_ i: Int, _ key: String) -> Location {
        let line = i < lines.count ? Int(lines[i]) : nil
        guard let columns, let line else { return Location(line: line, column: key) }
        return columns.location(row: line, key: key)
    }
}
