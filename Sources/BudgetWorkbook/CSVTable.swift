import BudgetCore

/// A CSV file read against a table schema: the text is checked as a whole (UTF-8, no control
/// characters), the header is the first line (`TableHeader`: columns in any order, an unknown,
/// duplicated or missing required column is a problem), then every record of the header's width.
/// `budget load` reads a workbook folder's files this way and `budget import` a CSV file.
struct CSVTable {
    let file: String
    let schema: TableSchema
    var reader: CSVReader
    let header: TableHeader

    /// Reads the header; nil (with the problems) when the file cannot be read against `schema`.
    init?(file: String, bytes: [UInt8], schema: TableSchema, problems: inout ProblemCollector) {
        self.file = file
        self.schema = schema
        guard TextScan.check(bytes, file: file, problems: &problems) else { return nil }
        reader = CSVReader(bytes: bytes)
        var fields: [CSVField] = []
        do {
            guard try reader.next(into: &fields) else {
                problems.add(Problem(rule: .emptyFile, location: Location(file: file, line: 1),
                                     message: "文件为空，缺少表头行（应为：\(schema.required.map(\.key).joined(separator: ","))）"))
                return nil
            }
        } catch {
            problems.add(Problem(rule: .csvSyntax, location: Location(file: file, line: error.line), message: error.message))
            return nil
        }
        var ignored: [Problem] = []
        let first = reader
        let texts = fields.map { first.trimmed($0) }
        guard let h = TableHeader(texts, line: reader.recordLine, schema: schema, place: file, unknownIsError: true,
                                  cellName: { _, t in t }, columnName: { "第 \($0 + 1) 列" }, missingName: { $0.key }, problems: &problems,
                                  warnings: &ignored) else { return nil }
        header = h
    }

    /// Names fields by the header as written (`amount`, or `金额（万元）`).
    var columns: ColumnLocator {
        var names: [String: String] = [:]
        for (i, c) in schema.columns.enumerated() { names[c.key] = header.text[i] ?? c.key }
        return ColumnLocator(place: file, names: names)
    }

    /// Calls `body` for each data record. A record whose fields are all blank is skipped (it holds
    /// nothing); one with another number of fields than the header is a problem. Stops when the
    /// problem list is full, and then says the list was truncated.
    mutating func forEachRecord(problems: inout ProblemCollector, _ body: (inout CSVRecord, inout ProblemCollector) -> Void) {
        var record = CSVRecord(self)
        var fields: [CSVField] = []
        fields.reserveCapacity(header.width + 2)
        while true {
            do {
                guard try reader.next(into: &fields) else { return }
            } catch {
                problems.add(Problem(rule: .csvSyntax, location: Location(file: file, line: error.line), message: error.message))
                return
            }
            if fields.allSatisfy({ reader.isBlank($0) }) { continue }
            if fields.count != header.width {
                problems.add(Problem(rule: .fieldCount, location: Location(file: file, line: reader.recordLine),
                                     message: "这一行有 \(fields.count) 个字段，表头有 \(header.width) 列"))
            } else {
                swap(&record.fields, &fields)
                record.line = reader.recordLine
                body(&record, &problems)
                swap(&record.fields, &fields)
            }
            if problems.isFull {
                if (try? reader.next(into: &fields)) != false { problems.markTruncated() }
                return
            }
        }
    }
}

/// A CSV record as an `InputRecord`. The hot path of a 10^6-line load: codes are interned (one
/// String per distinct value), vocabularies compared as bytes, amounts parsed from bytes.
struct CSVRecord: InputRecord {
    let reader: CSVReader
    let fileColumn: [Int?]
    let names: [String]
    let file: String
    var fields: [CSVField] = []
    var line = 0
    var interners: [TextInterner]

    init(_ t: CSVTable) {
        reader = t.reader
        fileColumn = t.header.fileColumn
        names = t.schema.columns.enumerated().map { t.header.text[$0.offset] ?? $0.element.key }
        file = t.file
        // Free text can differ on every line: past 4096 distinct values it is no longer kept.
        interners = t.schema.columns.map { TextInterner(limit: $0.kind == .text ? 4096 : .max) }
    }

    func field(_ c: Int) -> CSVField? { fileColumn[c].map { fields[$0] } }

    mutating func code(_ c: Int) throws(FieldRefusal) -> String {
        guard let f = field(c) else { return "" }
        if f.hasEscapes { return try FieldRules.code(reader.string(f)) }
        let r = reader.trimmedRange(f)
        // FieldRules.code on bytes: cut at the first space, tab or U+3000; a possible `2.08E+06` takes the exact rule.
        var end = r.upperBound, exponent = false
        reader.bytes.withUnsafeBufferPointer { b in
            var i = r.lowerBound
            while i < r.upperBound {
                let x = b[i]
                if x == 0x20 || x == 0x09 || (x == 0xE3 && i + 2 < r.upperBound && b[i + 1] == 0x80 && b[i + 2] == 0x80) { end = i; break }
                if x == 0x45 || x == 0x65 { exponent = true }
                i += 1
            }
        }
        if exponent { return try FieldRules.code(reader.string(f)) }
        return reader.interned(r.lowerBound..<end, &interners[c])
    }

    mutating func choice<T: InputChoice>(_ c: Int, as type: T.Type) throws(FieldRefusal) -> T? {
        guard let f = field(c) else { return T(name: "") }
        for v in T.allCases where reader.field(f, equals: v.name.utf8) { return v }
        return T(name: reader.trimmed(f))
    }

    mutating func name(_ c: Int) throws(FieldRefusal) -> String {
        guard let f = field(c) else { return "" }
        let s = reader.trimmed(f)
        if f.end - f.start > TextRule.maxCharacters, let why = TextRule.lengthProblem(s) { throw FieldRefusal(rule: .textTooLong, message: why) }
        return s
    }

    mutating func text(_ c: Int) throws(FieldRefusal) -> String {
        guard let f = field(c) else { return "" }
        let s = reader.internedRaw(f, &interners[c])
        // Control characters were refused by the byte scan (TextScan); the length is checked here,
        // only for a field with more bytes than the limit has characters.
        if f.end - f.start > TextRule.maxCharacters, let why = TextRule.lengthProblem(s) { throw FieldRefusal(rule: .textTooLong, message: why) }
        return s
    }

    mutating func amount(_ c: Int, unit: AmountUnit) throws(FieldRefusal) -> Money {
        guard let f = field(c) else { throw FieldRules.amountRefusal(.empty, unit: unit) }
        if f.hasEscapes { return try FieldRules.amount(reader.string(f), unit: unit) }
        var result: Result<Money, AmountError> = .failure(.empty)
        reader.withBytes(f) { b in result = Result { () throws(AmountError) -> Money in try Money.parse(utf8: b, unit: unit) } }
        switch result {
        case .success(let m): return m
        case .failure(let e): throw FieldRules.amountRefusal(e, unit: unit)
        }
    }

    func shown(_ c: Int) -> String { field(c).map { reader.trimmed($0) } ?? "" }

    func location(_ c: Int) -> Location { Location(file: file, line: line, column: names[c]) }
}
