import BudgetCore

/// A malformed CSV file: the structure is broken, so no row after it can be trusted.
public struct CSVSyntaxError: Error, Sendable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "第 \(line) 行：\(message)" }
}

/// One field of a record: a byte range of the file, unescaped on demand.
public struct CSVField: Sendable {
    public var start: Int
    public var end: Int
    /// The field was quoted and contains doubled quotes to undo.
    public var hasEscapes: Bool
}

/// A fast RFC 4180 reader over the bytes of a whole file (UTF-8; a BOM, as Excel writes it, is skipped).
/// It hands out byte ranges so that 10^6 rows parse without building a String per field.
public struct CSVReader: Sendable {
    public let bytes: [UInt8]
    private var position: Int
    /// The physical line (1-based) on which the record last returned starts.
    public private(set) var recordLine = 0
    private var nextLine = 1

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        position = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    /// Reads the next record into `fields`; false at the end of the file. Blank lines are skipped.
    public mutating func next(into fields: inout [CSVField]) throws(CSVSyntaxError) -> Bool {
        fields.removeAll(keepingCapacity: true)
        let n = bytes.count
        // Skip blank lines.
        while position < n, bytes[position] == 10 || bytes[position] == 13 {
            if bytes[position] == 10 { nextLine += 1 }
            position += 1
        }
        if position >= n { return false }
        recordLine = nextLine
        return try bytes.withUnsafeBufferPointer { (b) throws(CSVSyntaxError) -> Bool in
            var p = position
            while true {
                if p < n, b[p] == 34 { // quoted field
                    p += 1
                    let start = p
                    var escapes = false
                    while true {
                        if p >= n { throw CSVSyntaxError(line: recordLine, message: "引号没有闭合（从这一行开始的字段）") }
                        let c = b[p]
                        if c == 34 {
                            if p + 1 < n, b[p + 1] == 34 { escapes = true; p += 2; continue }
                            break
                        }
                        if c == 10 { nextLine += 1 }
                        p += 1
                    }
                    fields.append(CSVField(start: start, end: p, hasEscapes: escapes))
                    p += 1 // closing quote
                    if p < n, b[p] != 44, b[p] != 10, b[p] != 13 {
                        throw CSVSyntaxError(line: nextLine, message: "引号字段的结束引号后还有其他字符")
                    }
                } else {
                    let start = p
                    while p < n {
                        let c = b[p]
                        if c == 44 || c == 10 || c == 13 { break }
                        if c == 34 { throw CSVSyntaxError(line: nextLine, message: "未加引号的字段中出现引号") }
                        p += 1
                    }
                    fields.append(CSVField(start: start, end: p, hasEscapes: false))
                }
                if p >= n { position = p; return true }
                let c = b[p]
                if c == 44 { p += 1; if p >= n { fields.append(CSVField(start: p, end: p, hasEscapes: false)); position = p; return true }; continue }
                // End of record: CRLF or LF or CR.
                if c == 13 { p += 1; if p < n, b[p] == 10 { p += 1 } } else { p += 1 }
                nextLine += 1
                position = p
                return true
            }
        }
    }

    /// The text of a field.
    public func string(_ f: CSVField) -> String {
        let s = String(decoding: bytes[f.start..<f.end], as: UTF8.self)
        return f.hasEscapes ? s.replacing("\"\"", with: "\"") : s
    }

    /// The text of a field with surrounding spaces removed: codes and enumerations.
    public func trimmed(_ f: CSVField) -> String { string(f).trimmingSpaces }

    public func withBytes<R>(_ f: CSVField, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[f.start..<f.end])) }
    }
}

/// Writes CSV the way the workbook folder stores it: UTF-8, LF, quotes only where needed.
public struct CSVWriter: Sendable {
    public private(set) var text = ""

    public init(header: [String]) { row(header) }

    public mutating func row(_ fields: [String]) {
        var first = true
        for f in fields {
            if !first { text += "," }
            first = false
            text += CSVWriter.escape(f)
        }
        text += "\n"
    }

    public static func escape(_ f: String) -> String {
        let u = f.utf8
        guard let first = u.first, let last = u.last else { return f }
        if first == 32 || last == 32 || u.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
            return "\"" + f.replacing("\"", with: "\"\"") + "\""
        }
        return f
    }
}
