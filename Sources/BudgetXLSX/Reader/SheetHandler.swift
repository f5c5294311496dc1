import Foundation

/// Reads a worksheet part as a stream: completed rows pile up in `completedRows` and the reader
/// hands them on after every chunk, so memory holds one chunk's rows, not the sheet.
///
/// The sheet XML is regular: `<row r><c r s t><f/><v/><is><t/></is></c></row>`, then
/// `<mergeCells><mergeCell ref/></mergeCells>` after `sheetData`.
///
/// Every cell starts from a clean state: nothing of one cell (its text, value, formula) can reach
/// the next, however the next is written (`<c t="inlineStr"/>` is empty, not the text before it).
/// Text that is not UTF-8, or holds a reference or character XML does not allow, is refused with
/// the sheet and cell.
struct SheetHandler: XMLHandler {
    /// The cell's `t` attribute.
    private enum CellType {
        case number, sharedString, inlineString, formulaString, boolean, error, isoDate
    }

    /// Which text we are collecting.
    private enum Field {
        case none, value, formula, inlineText
    }

    let part: String
    /// How messages name the sheet: `工作表“支出明细”`.
    let place: String
    let sharedStrings: SharedStringTable
    let styles: StyleTable
    /// False when only merged ranges are wanted: cells are skipped, not built.
    let wantRows: Bool

    var completedRows: [XLSXRow] = []
    private var merged: MergedRangeCollector
    /// The merged ranges read so far (bounded by the limits as they are read).
    var mergedRanges: [XLSXRange] { merged.ranges }

    private var inSheetData = false
    private var inRow = false
    private var rowNumber = 0
    private var rowHadNumber = false
    private var cells: [XLSXCell] = []

    private var inCell = false
    private var cellColumn = -1
    private var cellStyle = 0
    private var cellType = CellType.number
    private var field = Field.none
    private var inInlineString = false
    /// The cell has an `<is>` element, even an empty one (`<is/>` is an empty string).
    private var hasInlineString = false
    private var inPhonetic = false
    private var hasValue = false
    private var hasFormula = false
    private var valueBytes: [UInt8] = []
    private var formulaBytes: [UInt8] = []
    private var inlineBytes: [UInt8] = []

    init(part: String, sheet: String? = nil, sharedStrings: SharedStringTable, styles: StyleTable, wantRows: Bool,
         limits: XLSXReadLimits = XLSXReadLimits()) {
        self.part = part
        self.place = sheet.map { "工作表“\($0)”" } ?? "文件部件“\(part)”"
        self.sharedStrings = sharedStrings
        self.styles = styles
        self.wantRows = wantRows
        self.merged = MergedRangeCollector(limits: limits, place: place, part: part)
    }

    /// The merged ranges once the whole part is read: refused if two overlap.
    func finishedMergedRanges() throws -> [XLSXRange] {
        try merged.finished()
    }

    mutating func takeRows() -> [XLSXRow] {
        var rows: [XLSXRow] = []
        swap(&rows, &completedRows)
        return rows
    }

    mutating func startElement(_ name: XMLBytes, _ a: XMLAttributes) throws {
        if inCell {
            if name.equals("v") {
                field = .value
                hasValue = true
                valueBytes.removeAll(keepingCapacity: true)
            } else if name.equals("f") {
                field = .formula
                hasFormula = true
                formulaBytes.removeAll(keepingCapacity: true)
            } else if name.equals("is") {
                inInlineString = true
                hasInlineString = true
                inlineBytes.removeAll(keepingCapacity: true)
            } else if name.equals("rPh") {
                inPhonetic = true
            } else if name.equals("t") && inInlineString && !inPhonetic {
                field = .inlineText
            }
            return
        }
        if name.equals("c") && inRow {
            guard wantRows else { return }
            inCell = true
            hasValue = false
            hasFormula = false
            inInlineString = false
            hasInlineString = false
            inPhonetic = false
            field = .none
            valueBytes.removeAll(keepingCapacity: true)
            formulaBytes.removeAll(keepingCapacity: true)
            inlineBytes.removeAll(keepingCapacity: true)
            var column = (cells.last?.column ?? -1) + 1
            var style = 0
            var type = CellType.number
            a.forEach { key, value in
                if key.equals("r") {
                    if let ref = CellReference.parse(value) {
                        column = ref.column
                        // A row without r: take the number from its first cell.
                        if !rowHadNumber, let row = ref.row, cells.isEmpty { rowNumber = row }
                    }
                } else if key.equals("s") {
                    style = value.decimalValue ?? 0
                } else if key.equals("t") {
                    type = Self.cellType(value)
                }
            }
            cellColumn = column
            cellStyle = style
            cellType = type
        } else if name.equals("row") && inSheetData {
            inRow = true
            cells.removeAll(keepingCapacity: true)
            if let r = a.value("r")?.decimalValue, r > 0 {
                rowNumber = r
                rowHadNumber = true
            } else {
                rowNumber += 1
                rowHadNumber = false
            }
        } else if name.equals("sheetData") {
            inSheetData = true
        } else if name.equals("mergeCell") {
            let ref: String?
            do { ref = try a.string("ref") } catch {
                throw XLSXReadError.invalidText(subject: "\(place)的合并单元格范围", part: part, location: "mergeCell", error)
            }
            guard let ref else { throw XLSXReadError.badMergeRange(place: place, part: part, "") }
            try merged.add(ref)
        }
    }

    mutating func endElement(_ name: XMLBytes) throws {
        if inCell {
            if name.equals("c") {
                inCell = false
                field = .none
                cells.append(try makeCell())
            } else if name.equals("v") || name.equals("f") || name.equals("t") {
                field = .none
            } else if name.equals("is") {
                inInlineString = false
            } else if name.equals("rPh") {
                inPhonetic = false
            }
            return
        }
        if name.equals("row") && inRow {
            inRow = false
            if wantRows { completedRows.append(XLSXRow(number: rowNumber, cells: cells)) }
        } else if name.equals("sheetData") {
            inSheetData = false
        }
    }

    mutating func text(_ raw: XMLBytes) throws {
        do {
            switch field {
            case .none: return
            case .value: try XMLText.appendDecoded(raw, to: &valueBytes)
            case .formula: try XMLText.appendDecoded(raw, to: &formulaBytes)
            case .inlineText: try XMLText.appendDecoded(raw, to: &inlineBytes)
            }
        } catch {
            throw cellTextError(error, field == .formula ? "公式" : "")
        }
    }

    mutating func cdata(_ raw: XMLBytes) throws {
        let bytes = UnsafeBufferPointer(start: raw.start, count: raw.count)
        switch field {
        case .none: return
        case .value: valueBytes.append(contentsOf: bytes)
        case .formula: formulaBytes.append(contentsOf: bytes)
        case .inlineText: inlineBytes.append(contentsOf: bytes)
        }
    }

    private static func cellType(_ t: XMLBytes) -> CellType {
        if t.equals("s") { return .sharedString }
        if t.equals("inlineStr") { return .inlineString }
        if t.equals("str") { return .formulaString }
        if t.equals("b") { return .boolean }
        if t.equals("e") { return .error }
        if t.equals("d") { return .isoDate }
        return .number
    }

    /// The text of a cell's bytes, refused with the sheet and cell if it cannot be read as written.
    private func decoded(_ bytes: [UInt8], _ what: String = "") throws -> String {
        do { return try XMLText.string(bytes) } catch { throw cellTextError(error, what) }
    }

    private func cellTextError(_ problem: XMLTextError, _ what: String = "") -> XLSXReadError {
        XLSXReadError.invalidText(subject: "\(place)单元格 \(reference) 的\(what)文字", part: part,
                                  location: "cell \(reference)", problem)
    }

    private func makeCell() throws -> XLSXCell {
        let formula = hasFormula ? try decoded(formulaBytes, "公式") : nil
        // A value element with nothing in it is no value, except for text types, where it is "".
        let valuePresent = hasValue && !valueBytes.isEmpty
        let value: XLSXValue
        switch cellType {
        case .sharedString:
            guard valuePresent else { value = .empty; break }
            guard let index = valueBytes.withUnsafeBufferPointer({ buffer -> Int? in
                guard let base = buffer.baseAddress else { return nil }
                return XMLBytes(start: base, count: buffer.count).decimalValue
            }), index < sharedStrings.strings.count else {
                throw XLSXReadError.malformedXML(
                    part, "cell \(reference) points at shared string \(String(decoding: valueBytes, as: UTF8.self).debugDescription) but there are \(sharedStrings.strings.count)")
            }
            if !sharedStrings.problems.isEmpty, let problem = sharedStrings.problems[index] {
                throw XLSXReadError.invalidText(subject: "\(place)单元格 \(reference) 的文字（共享字符串第 \(index + 1) 项）",
                                                part: part, location: "cell \(reference) (shared string \(index))", problem)
            }
            value = .string(sharedStrings.strings[index])
        case .inlineString:
            if hasInlineString {
                value = .string(XMLText.decodeOOXMLEscapes(try decoded(inlineBytes)))
            } else if hasValue {
                value = .string(try decoded(valueBytes))
            } else {
                value = .empty
            }
        case .formulaString:
            if hasValue {
                value = .string(try decoded(valueBytes))
            } else if let formula {
                value = .formulaWithoutValue(formula)
            } else {
                value = .empty
            }
        case .boolean:
            guard valuePresent else { value = .empty; break }
            switch try decoded(valueBytes).trimmingCharacters(in: .whitespaces).lowercased() {
            case "1", "true": value = .bool(true)
            case "0", "false": value = .bool(false)
            case let other:
                throw XLSXReadError.malformedXML(part, "cell \(reference) is boolean but holds \(other.debugDescription)")
            }
        case .error:
            value = valuePresent ? .error(try decoded(valueBytes)) : .empty
        case .isoDate:
            if valuePresent {
                let raw = try decoded(valueBytes)
                value = ISODateSerial.serial(raw).map { .date($0) } ?? .string(raw)
            } else {
                value = .empty
            }
        case .number:
            if valuePresent {
                let raw = try decoded(valueBytes)
                value = styles.isDate(cellStyle) ? .date(raw) : .number(raw)
            } else if let formula {
                value = .formulaWithoutValue(formula)
            } else {
                value = .empty
            }
        }
        if value == .empty, let formula, !valuePresent {
            return XLSXCell(row: rowNumber, column: cellColumn, value: .formulaWithoutValue(formula),
                            formula: formula, styleIndex: cellStyle)
        }
        return XLSXCell(row: rowNumber, column: cellColumn, value: value, formula: formula, styleIndex: cellStyle)
    }

    private var reference: String { CellReference.columnLetters(cellColumn) + String(rowNumber) }
}

/// `t="d"` cells hold ISO 8601 text; callers get the same serial a number cell would carry.
enum ISODateSerial {
    /// "2025-01-31" or "2025-01-31T12:00:00(.fff)(Z)" → "45688" / "45688.5"; nil if not that shape.
    static func serial(_ text: String) -> String? {
        let s = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= s.count else { return nil }
            var v = 0
            for i in range {
                guard s[i] >= 0x30 && s[i] <= 0x39 else { return nil }
                v = v * 10 + Int(s[i] - 0x30)
            }
            return v
        }
        guard s.count >= 10, s[4] == 0x2D, s[7] == 0x2D,
              let y = number(0..<4), let m = number(5..<7), let d = number(8..<10),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        var seconds = 0.0
        if s.count > 10 {
            guard s[10] == 0x54 || s[10] == 0x20, let h = number(11..<13), s.count > 13, s[13] == 0x3A,
                  let mi = number(14..<16) else { return nil }
            var sec = 0.0
            if s.count > 16 && s[16] == 0x3A, let whole = number(17..<19) {
                sec = Double(whole)
                if s.count > 19 && s[19] == 0x2E {
                    var j = 20
                    var scale = 0.1
                    while j < s.count, s[j] >= 0x30, s[j] <= 0x39 {
                        sec += Double(s[j] - 0x30) * scale
                        scale /= 10
                        j += 1
                    }
                }
            }
            seconds = Double(h * 3600 + mi * 60) + sec
        }
        let days = daysFromCivil(y, m, d) - daysFromCivil(1899, 12, 30)
        let serial = Double(days) + seconds / 86_400
        return serial == serial.rounded() ? String(Int(serial)) : String(serial)
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    private static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
