import BudgetCore
import BudgetWorkbook
import BudgetXLSX
import Foundation

/// A sheet of an XLSX file, with the way to its merged ranges.
struct TableInput {
    let reader: XLSXReader
    let name: String
    /// The sheet's merged ranges, found when the read needs them: they follow the cell data in the
    /// part, so finding them is a pass of its own (with a second reader), which `TableReader.read`
    /// runs while the rows are tokenized on another thread. Called once per read.
    let mergedRanges: () throws -> [XLSXRange]
    /// A sheet whose part is at least this big (inflated, as the zip declares it) is read on two
    /// threads; a smaller one on the calling thread alone, where a second thread would gain nothing.
    var concurrentFromBytes = TableInput.defaultConcurrentFromBytes

    /// 1 MiB: about 1,800 rows of the input template’s 支出明细 (580 bytes a row).
    static let defaultConcurrentFromBytes: UInt64 = 1 << 20

    init(reader: XLSXReader, name: String, merged: [XLSXRange]) {
        self.reader = reader
        self.name = name
        mergedRanges = { merged }
    }

    /// The merged ranges found by `mergedReader` (its own inflate budget) when the read asks for them.
    init(reader: XLSXReader, name: String, mergedBy mergedReader: XLSXReader) {
        self.reader = reader
        self.name = name
        mergedRanges = { try mergedReader.mergedRanges(sheet: name) }
    }

    /// The same sheet with its merged ranges found now: for a caller that reads rows itself before
    /// `TableReader` does, so a broken merge list is still the error it meets first.
    func withMergedRangesFound() throws -> TableInput {
        var found = TableInput(reader: reader, name: name, merged: try mergedRanges())
        found.concurrentFromBytes = concurrentFromBytes
        return found
    }

    /// What locations name: the sheet.
    var place: String { name }
}

/// One data row, its values in schema order (`.empty` for a column the sheet lacks).
struct TableRow {
    var number: Int
    var values: [XLSXValue]
}

/// A sheet read against a schema: the header row is found (title rows above it are skipped) and
/// mapped by `TableHeader` (unknown columns are ignored with a warning, as a sheet often has helper
/// columns such as 序号); rows are streamed; empty rows are skipped; a cell inside a merged range
/// takes the value of the range's top-left cell. A CSV file is not read here: it is data, read by
/// the workbook folder's reader (`WorkbookFolder.readItems`), header on its first line.
final class TableReader {
    let input: TableInput
    let schema: TableSchema
    /// The mapped header, once found.
    private(set) var header: TableHeader?

    /// How many rows at the top may precede the header (titles, notes).
    static let headerSearchRows = 20

    /// Text cells already read as a code or a vocabulary word, and what they gave (refusals are
    /// not kept: a refused text is refused again, with its own row's location). Bounded: past
    /// `cacheLimit` distinct texts a cache stops growing and further texts are read each time.
    var codeCache: [String: String] = [:]
    var wordCache: [String: String] = [:]
    static let cacheLimit = 50_000

    func remember(_ text: String, _ value: String, in cache: ReferenceWritableKeyPath<TableReader, [String: String]>) {
        if self[keyPath: cache].count < Self.cacheLimit { self[keyPath: cache][text] = value }
    }

    init(input: TableInput, schema: TableSchema) {
        self.input = input
        self.schema = schema
    }

    /// The header row's number, once found.
    var headerRow: Int { header?.line ?? 0 }

    /// The location of a cell: `支出明细 第 7 行 列 H（金额）`.
    func location(row: Int, key: String) -> Location {
        guard let i = schema.index(key) else { return Location(file: input.place, line: row, column: key) }
        return location(row: row, index: i)
    }

    func location(row: Int, index i: Int) -> Location {
        let text = header?.text[i] ?? nil
        let name = text.map { $0.trimmingSpaces.replacingOccurrences(of: "\n", with: "") } ?? schema.columns[i].chinese
        if let c = header?.fileColumn[i] {
            return Location(file: input.place, line: row, column: "\(columnLetters(c))（\(name)）")
        }
        return Location(file: input.place, line: row, column: name)
    }

    /// Names every column, for the problems found after reading (the validator's).
    var columns: ColumnLocator {
        var names: [String: String] = [:]
        for (i, c) in schema.columns.enumerated() { names[c.key] = location(row: 0, index: i).column }
        return ColumnLocator(place: input.place, names: names)
    }

    /// Reads the header, then calls `body` for every non-empty data row. Header problems are
    /// added to `problems` and end the read of this sheet (no row can be placed without its
    /// header); problems of other sheets in the same list do not. Returns false when the header
    /// was unusable or missing.
    @discardableResult
    func read(problems: inout ProblemCollector, warnings: inout [Problem],
              _ body: (TableRow, inout ProblemCollector) throws -> Void) throws -> Bool {
        // A big sheet's rows are inflated and tokenized on a thread of their own (`XLSXRowStream`),
        // while this one finds the merged ranges and then handles the rows; errors and rows arrive
        // in the order one thread meets them, and leaving this function stops that thread.
        let big = input.reader.declaredPartSize(sheet: input.name).map { $0 >= input.concurrentFromBytes } ?? false
        let stream = big ? XLSXRowStream(reader: input.reader, sheet: input.name) : nil
        defer { stream?.close() }
        var state = HeaderState.searching(seen: 0)
        var mergedTop: [XLSXRange: XLSXValue] = [:]
        var mergesByColumn: [Int: [XLSXRange]] = [:]
        for m in try input.mergedRanges() { for c in m.firstColumn...m.lastColumn { mergesByColumn[c, default: []].append(m) } }
        var stop = false
        func handleRow(_ number: Int, _ valueAt: (Int) -> XLSXValue, _ width: Int) throws {
            if stop { return }
            switch state {
            case .searching(let seen):
                let texts = (0..<width).map { CellValues.shown(valueAt($0)) }
                if texts.allSatisfy({ $0.trimmingSpaces.isEmpty }) { return }
                if isHeader(texts) {
                    header = TableHeader(texts, line: number, schema: schema, place: input.place, unknownIsError: false,
                                         cellName: { "\(columnLetters($0))（\($1)）" }, columnName: { "\(columnLetters($0)) 列" },
                                         missingName: { $0.chinese },
                                         problems: &problems, warnings: &warnings)
                    state = header == nil ? .failed : .reading
                    if header == nil { stop = true }
                    return
                }
                state = .searching(seen: seen + 1)
                if seen + 1 >= Self.headerSearchRows { stop = true }
            case .reading:
                guard let header else { return }
                var values = [XLSXValue](repeating: .empty, count: schema.columns.count)
                var anything = false
                for (i, c) in header.fileColumn.enumerated() {
                    guard let c else { continue }
                    var v = valueAt(c)
                    if !mergesByColumn.isEmpty, let ranges = mergesByColumn[c] {
                        for m in ranges where m.contains(row: number, column: c) {
                            if m.firstRow == number && m.firstColumn == c { mergedTop[m] = v }
                            else if CellValues.isBlank(v), let top = mergedTop[m] { v = top }
                        }
                    }
                    if !CellValues.isBlank(v) { anything = true }
                    values[i] = v
                }
                if anything {
                    try body(TableRow(number: number, values: values), &problems)
                    if problems.isFull { stop = true; problems.markTruncated() }
                }
            case .failed:
                return
            }
        }
        struct Stop: Error {}
        func handle(_ row: XLSXRow) throws {
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
        do {
            if let stream { try stream.forEachRow(handle) } else { try input.reader.forEachRow(sheet: input.name, handle) }
        } catch is Stop {}
        if case .searching(let seen) = state {
            let wanted = schema.required.map(\.chinese).joined(separator: "、")
            let rows = seen == 0 ? "（表中没有内容）" : ""
            problems.add(Problem(rule: .missingHeader, location: Location(file: input.place),
                                 message: "找不到表头行\(rows)：前 \(Self.headerSearchRows) 行中没有一行列出\(schema.title)的列名（应有：\(wanted)；也可用工作簿文件夹的英文列名）"))
            return false
        }
        return header != nil
    }

    private enum HeaderState { case searching(seen: Int), reading, failed }

    /// A row is the header when at least two of its cells name columns of the schema.
    private func isHeader(_ texts: [String]) -> Bool {
        texts.filter { schema.column(forHeader: $0) != nil }.count >= min(2, schema.columns.count)
    }
}
