import BudgetCore
import BudgetWorkbook
import BudgetXLSX
import Foundation

/// Where a table's rows come from: a sheet of an XLSX file, or a CSV file.
enum TableInput {
    case sheet(XLSXReader, name: String, merged: [XLSXRange])
    case csv(bytes: [UInt8], file: String)

    /// What locations name: the sheet, or the file name.
    var place: String {
        switch self {
        case .sheet(_, let name, _): return name
        case .csv(_, let file): return file
        }
    }

    var isSheet: Bool { if case .sheet = self { return true }; return false }
}

/// One data row, its values in schema order (`.empty` for a column the file lacks).
struct TableRow {
    var number: Int
    var values: [XLSXValue]
}

/// A table read against a schema: the header row is found (title rows above it are skipped),
/// its columns mapped; unknown columns are ignored with a warning, missing required or duplicated
/// columns are problems. Rows are streamed; empty rows are skipped; a cell inside a merged range
/// takes the value of the range's top-left cell.
final class TableReader {
    let input: TableInput
    let schema: ImportSchema
    /// Schema column index → file column (0-based), for the columns present.
    private(set) var fileColumn: [Int?] = []
    /// Schema column index → header text as written.
    private(set) var headerText: [String?] = []
    /// The header row's number, once found.
    private(set) var headerRow = 0
    /// The unit an amount header states (`金额（万元）`).
    private(set) var statedAmountUnit: AmountUnit?

    /// How many rows at the top may precede the header (titles, notes).
    static let headerSearchRows = 20

    init(input: TableInput, schema: ImportSchema) {
        self.input = input
        self.schema = schema
    }

    /// The location of a cell: `支出明细 第 7 行 列 H（金额）` in a sheet, `items.csv 第 7 行 列 amount` in CSV.
    func location(row: Int, key: String) -> Location {
        guard let i = schema.columns.firstIndex(where: { $0.key == key }) else {
            return Location(file: input.place, line: row, column: key)
        }
        return location(row: row, index: i)
    }

    func location(row: Int, index i: Int) -> Location {
        let header = headerText[safe: i] ?? nil
        let name = header.map { $0.trimmingSpaces.replacingOccurrences(of: "\n", with: "") } ?? schema.columns[i].chinese
        if input.isSheet, let c = fileColumn[safe: i] ?? nil {
            return Location(file: input.place, line: row, column: "\(columnLetters(c))（\(name)）")
        }
        return Location(file: input.place, line: row, column: name)
    }

    /// Reads the header, then calls `body` for every non-empty data row. Header problems are
    /// added to `problems` and end the read (no data row can be placed without its header).
    /// Returns false when the header was unusable.
    @discardableResult
    func read(problems: inout ProblemCollector, warnings: inout [Problem],
                       _ body: (TableRow, inout ProblemCollector) throws -> Void) throws -> Bool {
        var state = HeaderState.searching(seen: 0)
        var mergedTop: [XLSXRange: XLSXValue] = [:]
        // Built once the header maps the columns: a lookup over those columns, no range expanded.
        var merges: XLSXMergeIndex?
        var stop = false
        func handleRow(_ number: Int, _ valueAt: (Int) -> XLSXValue, _ width: Int) throws {
            if stop { return }
            switch state {
            case .searching(let seen):
                let texts = (0..<width).map { CellValues.shown(valueAt($0)) }
                if texts.allSatisfy({ $0.trimmingSpaces.isEmpty }) { return }
                if self.tryHeader(texts, row: number) {
                    state = .reading
                    self.checkHeader(texts, row: number, problems: &problems, warnings: &warnings)
                    if case .sheet(_, _, let merged) = self.input, !merged.isEmpty {
                        merges = XLSXMergeIndex(merged, columns: self.fileColumn.compactMap { $0 })
                    }
                    if problems.hasErrors { stop = true }
                    return
                }
                state = .searching(seen: seen + 1)
                if seen + 1 >= Self.headerSearchRows { stop = true }
            case .reading:
                var values = [XLSXValue](repeating: .empty, count: self.schema.columns.count)
                var anything = false
                for (i, c) in self.fileColumn.enumerated() {
                    guard let c else { continue }
                    var v = valueAt(c)
                    if let m = merges?.range(containing: number, column: c) {
                        if m.firstRow == number && m.firstColumn == c { mergedTop[m] = v }
                        else if CellValues.isBlank(v), let top = mergedTop[m] { v = top }
                    }
                    if !CellValues.isBlank(v) { anything = true }
                    values[i] = v
                }
                if anything {
                    try body(TableRow(number: number, values: values), &problems)
                    if problems.isFull { stop = true }
                }
            }
        }
        switch input {
        case .sheet(let reader, let name, _):
            struct Stop: Error {}
            do {
                try reader.forEachRow(sheet: name) { row in
                    let width = (row.cells.last?.column ?? -1) + 1
                    if row.cells.count <= 16 {
                        try handleRow(row.number, { row.value(at: $0) }, width)
                    } else {
                        var byColumn: [Int: XLSXValue] = [:]
                        for c in row.cells { byColumn[c.column] = c.value }
                        try handleRow(row.number, { byColumn[$0] ?? .empty }, width)
                    }
                    if stop { throw Stop() }
                }
            } catch is Stop {}
        case .csv(let bytes, let file):
            var reader = CSVReader(bytes: bytes)
            var fields: [CSVField] = []
            while !stop {
                do {
                    guard try reader.next(into: &fields) else { break }
                } catch {
                    problems.add(Problem(rule: "csv-syntax", location: Location(file: file, line: error.line), message: error.message))
                    return false
                }
                let texts = fields.map { reader.string($0) }
                try handleRow(reader.recordLine, { $0 < texts.count ? (texts[$0].isEmpty ? .empty : .string(texts[$0])) : .empty },
                              texts.count)
            }
        }
        if case .searching(let seen) = state {
            let wanted = schema.required.map(\.chinese).joined(separator: "、")
            let rows = seen == 0 ? "（表中没有内容）" : ""
            problems.add(Problem(rule: "missing-header", location: Location(file: input.place),
                                 message: "找不到表头行\(rows)：前 \(Self.headerSearchRows) 行中没有一行列出\(schema.title)的列名（应有：\(wanted)；也可用工作簿文件夹的英文列名）"))
            return false
        }
        return !problems.hasErrors || headerRow > 0
    }

    private enum HeaderState { case searching(seen: Int), reading }

    /// A row is the header when at least two of its cells name columns of the schema.
    private func tryHeader(_ texts: [String], row: Int) -> Bool {
        let hits = texts.filter { schema.column(forHeader: $0) != nil }.count
        guard hits >= min(2, schema.columns.count) else { return false }
        headerRow = row
        return true
    }

    private func checkHeader(_ texts: [String], row: Int, problems: inout ProblemCollector,
                                      warnings: inout [Problem]) {
        fileColumn = Array(repeating: nil, count: schema.columns.count)
        headerText = Array(repeating: nil, count: schema.columns.count)
        for (c, raw) in texts.enumerated() {
            let t = raw.trimmingSpaces
            if t.isEmpty { continue }
            let here = input.isSheet ? Location(file: input.place, line: row, column: "\(columnLetters(c))（\(t)）")
                                     : Location(file: input.place, line: row, column: t)
            guard let (column, unit) = schema.column(forHeader: t),
                  let i = schema.columns.firstIndex(of: column) else {
                warnings.append(Problem(rule: "unknown-column", severity: .warning, location: here, value: t,
                                        message: "列 `\(t)` 不是\(schema.title)的列，已忽略（可用的列：\(schema.columns.map(\.chinese).joined(separator: "、"))）"))
                continue
            }
            if let other = fileColumn[i] {
                let first = input.isSheet ? "\(columnLetters(other)) 列" : "前面"
                problems.add(Problem(rule: "duplicate-column", location: here, value: t,
                                     message: "列 `\(t)` 重复：\(first)已经是“\(column.chinese)”列（每一列只能出现一次）"))
                continue
            }
            fileColumn[i] = c
            headerText[i] = t
            if let unit { statedAmountUnit = unit }
        }
        for (i, c) in schema.columns.enumerated() where c.required && fileColumn[i] == nil {
            problems.add(Problem(rule: "missing-column", location: Location(file: input.place, line: row, column: c.chinese),
                                 message: "缺少必需的列“\(c.chinese)”（表头在第 \(row) 行；也可写作 \(([c.key] + c.aliases).joined(separator: "、"))）"))
        }
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
