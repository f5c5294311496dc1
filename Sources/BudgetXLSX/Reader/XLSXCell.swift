import Foundation

/// A cell's value as stored in the file, before any interpretation.
public enum XLSXValue: Equatable, Sendable {
    /// A cell element with no value (often a styled blank, such as a bordered input cell).
    case empty
    /// Shared string, inline string (`inlineStr`), or the cached text result of a formula (`t="str"`).
    case string(String)
    /// The number exactly as written ("2080501", "1179406.32", "2.08E+06"), so callers can tell a
    /// code that was stored as a number, or mangled into scientific notation, from a real amount.
    case number(String)
    case bool(Bool)
    /// A number whose style is a date or time format: the raw serial (days since 1899-12-30, or
    /// since 1904-01-01 when `XLSXReader.uses1904Dates`).
    case date(String)
    /// An error value such as "#DIV/0!" (`t="e"`).
    case error(String)
    /// A formula with no cached result: the writer never calculated it, so its value is unknown.
    case formulaWithoutValue(String)

    /// The number for `.number` and `.date`; nil otherwise or if the text is not a number.
    public var doubleValue: Double? {
        switch self {
        case .number(let raw), .date(let raw):
            return Double(raw.trimmingCharacters(in: .whitespaces))
        default:
            return nil
        }
    }

    /// The text for `.string`; nil otherwise.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}

/// One cell of a row.
public struct XLSXCell: Equatable, Sendable {
    /// 1-based row number, as in the reference ("B7" → 7).
    public let row: Int
    /// 0-based column index ("A" → 0, "B" → 1), the same numbering `XLSXWorksheet` writes with.
    public let column: Int
    public let value: XLSXValue
    /// The formula text (without "="), when the cell has one.
    public let formula: String?
    /// Index into the workbook's cellXfs (0 = default style).
    public let styleIndex: Int

    public init(row: Int, column: Int, value: XLSXValue, formula: String? = nil, styleIndex: Int = 0) {
        self.row = row
        self.column = column
        self.value = value
        self.formula = formula
        self.styleIndex = styleIndex
    }

    /// "B7".
    public var reference: String { CellReference.columnLetters(column) + String(row) }
}

/// One `<row>` of a sheet: only the cells present in the file, in file order.
public struct XLSXRow: Equatable, Sendable {
    /// 1-based, from `r="…"` (or counted on from the previous row when a writer omits it).
    public let number: Int
    public let cells: [XLSXCell]

    public init(number: Int, cells: [XLSXCell]) {
        self.number = number
        self.cells = cells
    }

    /// The cell in a 0-based column, if present.
    public subscript(column column: Int) -> XLSXCell? {
        cells.first { $0.column == column }
    }

    /// The value in a 0-based column; `.empty` when the cell is absent.
    public func value(at column: Int) -> XLSXValue {
        self[column: column]?.value ?? .empty
    }
}

/// A rectangular range such as a merged area: rows 1-based, columns 0-based, like `XLSXCell`.
public struct XLSXRange: Hashable, Sendable {
    public let firstRow: Int
    public let firstColumn: Int
    public let lastRow: Int
    public let lastColumn: Int

    public init(firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int) {
        self.firstRow = firstRow
        self.firstColumn = firstColumn
        self.lastRow = lastRow
        self.lastColumn = lastColumn
    }

    /// "A1:D1".
    public var reference: String {
        CellReference.columnLetters(firstColumn) + String(firstRow) + ":"
            + CellReference.columnLetters(lastColumn) + String(lastRow)
    }

    public func contains(row: Int, column: Int) -> Bool {
        (firstRow...lastRow).contains(row) && (firstColumn...lastColumn).contains(column)
    }

    /// "A1:D3" or "A1" (`$` allowed) by the reader's own grammar; nil when malformed. Table
    /// templates write their header merges this way.
    public init?(reference text: String) {
        guard let r = CellReference.parseRange(text) else { return nil }
        self = r
    }
}

/// A sheet read whole: its rows and merged ranges.
public struct XLSXSheet: Equatable, Sendable {
    public let info: XLSXSheetInfo
    public let rows: [XLSXRow]
    public let mergedRanges: [XLSXRange]
}

/// A sheet as listed in workbook.xml.
public struct XLSXSheetInfo: Equatable, Sendable {
    public enum State: String, Sendable {
        case visible, hidden, veryHidden
    }

    public enum Kind: Sendable {
        case worksheet, chartsheet, other
    }

    public let name: String
    /// 0-based position in the workbook's tab order.
    public let index: Int
    public let state: State
    public let kind: Kind
    /// The sheet's part inside the package, e.g. "xl/worksheets/sheet1.xml".
    public let partPath: String
}

/// The letters of a zero-based column: "A" for 0, "AA" for 26; "?" for a negative one. The one
/// implementation for the reader, the writer's messages and the importer's cell locations.
public func columnLetters(_ column: Int) -> String { CellReference.columnLetters(column) }

/// A1-style references.
enum CellReference {
    /// "A" for 0, "AA" for 26.
    static func columnLetters(_ column: Int) -> String {
        guard column >= 0 else { return "?" }
        var n = column + 1
        var letters: [UInt8] = []
        while n > 0 {
            letters.append(UInt8(65 + (n - 1) % 26))
            n = (n - 1) / 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    /// "B7" → (column 1, row 7); "$B$7" is accepted; row is nil for a bare column ("B").
    static func parse(_ ref: XMLBytes) -> (column: Int, row: Int?)? {
        var i = 0
        let n = ref.count
        if i < n && ref[i] == 0x24 { i += 1 }
        var column = 0
        var letters = 0
        while i < n {
            var c = ref[i]
            if c >= 0x61 && c <= 0x7A { c -= 0x20 }
            guard c >= 0x41 && c <= 0x5A else { break }
            column = column * 26 + Int(c - 0x40)
            letters += 1
            if letters > 3 { return nil }
            i += 1
        }
        guard letters > 0 else { return nil }
        if i < n && ref[i] == 0x24 { i += 1 }
        if i == n { return (column - 1, nil) }
        var row = 0
        var digits = 0
        while i < n, ref[i] >= 0x30, ref[i] <= 0x39 {
            row = row * 10 + Int(ref[i] - 0x30)
            digits += 1
            if digits > 7 { return nil }
            i += 1
        }
        guard digits > 0, i == n, row > 0 else { return nil }
        return (column - 1, row)
    }

    /// "A1:D3" (or a single "A1") → range.
    static func parseRange(_ text: String) -> XLSXRange? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer -> XLSXRange? in
            guard let base = buffer.baseAddress else { return nil }
            let n = buffer.count
            let colon = buffer.firstIndex(of: 0x3A) ?? n
            guard let first = parse(XMLBytes(start: base, count: colon)), let firstRow = first.row else { return nil }
            var last = (column: first.column, row: firstRow)
            if colon < n {
                guard let end = parse(XMLBytes(start: base + colon + 1, count: n - colon - 1)),
                      let endRow = end.row else { return nil }
                last = (end.column, endRow)
            }
            return XLSXRange(firstRow: min(firstRow, last.row), firstColumn: min(first.column, last.column),
                             lastRow: max(firstRow, last.row), lastColumn: max(first.column, last.column))
        }
    }
}
