import BudgetCore

/// A small RFC 4180 reader for the disclosure files, with the same syntax as the workbook
/// folder's other CSV files (UTF-8, a BOM accepted, CRLF or LF, quotes only where needed).
///
/// It is separate from BudgetWorkbook's byte-range reader because this target depends on
/// BudgetCore only; these files are small (one row a sheet, an indicator or a figure), so it
/// builds Strings. The rules it enforces are the ones docs/workbook-folder.md states.
struct DisclosureCSV {
    struct Record {
        /// The physical line (1-based) the record starts on.
        let line: Int
        let fields: [String]
    }

    struct SyntaxError: Error {
        let line: Int
        let message: String
    }

    /// Splits `bytes` into records; blank lines are skipped.
    static func records(_ bytes: [UInt8]) throws(SyntaxError) -> [Record] {
        var out: [Record] = []
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        let n = bytes.count
        while i < n {
            if bytes[i] == 10 || bytes[i] == 13 {
                if bytes[i] == 10 { line += 1 } else if i + 1 >= n || bytes[i + 1] != 10 { line += 1 }
                i += 1
                continue
            }
            let start = line
            var fields: [String] = []
            var field: [UInt8] = []
            record: while true {
                if i < n, bytes[i] == 34 {
                    i += 1
                    while true {
                        guard i < n else { throw SyntaxError(line: start, message: "引号没有闭合（从这一行开始的字段）") }
                        let c = bytes[i]
                        if c == 34 {
                            if i + 1 < n, bytes[i + 1] == 34 { field.append(34); i += 2; continue }
                            i += 1
                            break
                        }
                        if c == 10 { line += 1 }
                        field.append(c)
                        i += 1
                    }
                    if i < n, bytes[i] != 44, bytes[i] != 10, bytes[i] != 13 {
                        throw SyntaxError(line: line, message: "引号字段的结束引号后还有其他字符")
                    }
                } else {
                    while i < n, bytes[i] != 44, bytes[i] != 10, bytes[i] != 13 {
                        if bytes[i] == 34 { throw SyntaxError(line: line, message: "未加引号的字段中出现引号") }
                        field.append(bytes[i])
                        i += 1
                    }
                }
                guard let text = String(validating: field, as: UTF8.self) else {
                    throw SyntaxError(line: line, message: "不是合法的 UTF-8 文本（请以 UTF-8 编码保存）")
                }
                fields.append(text)
                field.removeAll(keepingCapacity: true)
                if i >= n { break record }
                switch bytes[i] {
                case 44:
                    i += 1
                    if i >= n { fields.append(""); break record }
                case 13:
                    i += 1
                    if i < n, bytes[i] == 10 { i += 1 }
                    line += 1
                    break record
                default:
                    i += 1
                    line += 1
                    break record
                }
            }
            out.append(Record(line: start, fields: fields))
        }
        return out
    }

    /// Writes rows: LF endings, quotes only where a field needs them (as `budget save` does).
    static func write(header: [String], rows: [[String]]) -> String {
        var text = ""
        func row(_ fields: [String]) {
            text += fields.map(escape).joined(separator: ",")
            text += "\n"
        }
        row(header)
        rows.forEach(row)
        return text
    }

    static func escape(_ f: String) -> String {
        let u = f.utf8
        guard let first = u.first, let last = u.last else { return f }
        if first == 32 || last == 32 || u.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
            return "\"" + f.replacing("\"", with: "\"\"") + "\""
        }
        return f
    }
}

/// One disclosure CSV file read against its columns: any order, unknown / duplicated / missing
/// required columns are problems (the same rules as items.csv).
struct DisclosureTable {
    let file: String
    let index: [String: Int]
    let records: [DisclosureCSV.Record]

    init?(file: String, bytes: [UInt8], required: [String], optional: [String], problems: inout ProblemCollector) {
        self.file = file
        let all: [DisclosureCSV.Record]
        do { all = try DisclosureCSV.records(bytes) } catch {
            problems.add(Problem(rule: .csvSyntax, location: Location(file: file, line: error.line), message: error.message))
            return nil
        }
        guard let header = all.first else {
            problems.add(Problem(rule: .emptyFile, location: Location(file: file, line: 1),
                                 message: "文件为空，缺少表头行（应为：\(required.joined(separator: ","))）"))
            return nil
        }
        let known = required + optional
        var index: [String: Int] = [:]
        var ok = true
        for (i, raw) in header.fields.enumerated() {
            let name = raw.trimmingSpaces
            if !known.contains(name) {
                problems.add(Problem(rule: .unknownColumn, location: Location(file: file, line: header.line, column: name),
                                     value: name, message: "未知的列 `\(name)`（可用的列：\(known.joined(separator: ", "))）"))
                ok = false
            } else if index[name] != nil {
                problems.add(Problem(rule: .duplicateColumn, location: Location(file: file, line: header.line, column: name),
                                     value: name, message: "列 `\(name)` 重复出现"))
                ok = false
            } else {
                index[name] = i
            }
        }
        for r in required where index[r] == nil {
            problems.add(Problem(rule: .missingColumn, location: Location(file: file, line: header.line, column: r),
                                 message: "缺少必需的列 `\(r)`"))
            ok = false
        }
        guard ok else { return nil }
        var rows: [DisclosureCSV.Record] = []
        for r in all.dropFirst() {
            if r.fields.count != header.fields.count {
                problems.add(Problem(rule: .fieldCount, location: Location(file: file, line: r.line),
                                     message: "这一行有 \(r.fields.count) 个字段，表头有 \(header.fields.count) 列"))
                continue
            }
            rows.append(r)
        }
        self.index = index
        records = rows
    }

    /// The field of `column` in a record: trimmed for codes and enumerations, as is for texts.
    func text(_ r: DisclosureCSV.Record, _ column: String, trimmed: Bool = true) -> String {
        guard let i = index[column] else { return "" }
        return trimmed ? r.fields[i].trimmingSpaces : r.fields[i]
    }

    func at(_ r: DisclosureCSV.Record, _ column: String) -> Location {
        Location(file: file, line: r.line, column: column)
    }
}
