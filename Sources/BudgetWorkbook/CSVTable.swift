import BudgetCore

/// A CSV file of the workbook folder read against its expected columns: the header may list
/// them in any order; an unknown, duplicated or missing required column is a problem.
struct CSVTable {
    let file: String
    var reader: CSVReader
    /// Column name → field index in a record.
    let index: [String: Int]
    let headerNames: [Int: String]

    /// Reads the header. `aliases` maps an accepted header text to its column name.
    init?(file: String, bytes: [UInt8], required: [String], optional: [String], aliases: [String: String] = [:],
          problems: inout ProblemCollector) {
        self.file = file
        reader = CSVReader(bytes: bytes)
        var fields: [CSVField] = []
        do {
            guard try reader.next(into: &fields) else {
                problems.add(Problem(rule: "empty-file", location: Location(file: file, line: 1),
                                     message: "文件为空，缺少表头行（应为：\(required.joined(separator: ","))）"))
                return nil
            }
        } catch {
            problems.add(Problem(rule: "csv-syntax", location: Location(file: file, line: error.line), message: error.message))
            return nil
        }
        var index: [String: Int] = [:]
        var names: [Int: String] = [:]
        var ok = true
        let known = Set(required + optional)
        for (i, f) in fields.enumerated() {
            let raw = reader.trimmed(f)
            let name = aliases[raw] ?? raw
            if !known.contains(name) {
                problems.add(Problem(rule: "unknown-column", location: Location(file: file, line: 1, column: raw), value: raw,
                                     message: "未知的列 `\(raw)`（可用的列：\((required + optional).joined(separator: ", "))）"))
                ok = false
            } else if index[name] != nil {
                problems.add(Problem(rule: "duplicate-column", location: Location(file: file, line: 1, column: raw), value: raw,
                                     message: "列 `\(raw)` 重复出现"))
                ok = false
            } else {
                index[name] = i
                names[i] = raw
            }
        }
        for r in required where index[r] == nil {
            problems.add(Problem(rule: "missing-column", location: Location(file: file, line: 1, column: r),
                                 message: "缺少必需的列 `\(r)`"))
            ok = false
        }
        if !ok { return nil }
        self.index = index
        self.headerNames = names
    }

    /// Calls `body` for each data record with its line number and a field accessor.
    mutating func forEachRecord(problems: inout ProblemCollector, _ body: (Int, Record, inout ProblemCollector) -> Void) {
        var fields: [CSVField] = []
        fields.reserveCapacity(index.count + 2)
        while true {
            do {
                guard try reader.next(into: &fields) else { return }
            } catch {
                problems.add(Problem(rule: "csv-syntax", location: Location(file: file, line: error.line), message: error.message))
                return
            }
            if fields.count == 1, fields[0].start == fields[0].end { continue }
            if fields.count != headerNames.count {
                problems.add(Problem(rule: "field-count", location: Location(file: file, line: reader.recordLine),
                                     message: "这一行有 \(fields.count) 个字段，表头有 \(headerNames.count) 列"))
                if problems.isFull { return }
                continue
            }
            body(reader.recordLine, Record(table: self, fields: fields), &problems)
            if problems.isFull { return }
        }
    }

    struct Record {
        let table: CSVTable
        let fields: [CSVField]

        /// The trimmed text of a column, or "" when the column is absent from the file.
        func text(_ column: String) -> String {
            guard let i = table.index[column] else { return "" }
            return table.reader.trimmed(fields[i])
        }

        func location(_ line: Int, _ column: String) -> Location {
            Location(file: table.file, line: line, column: table.index[column].flatMap { table.headerNames[$0] } ?? column)
        }
    }
}
