import BudgetCore
import BudgetWorkbook
import BudgetXLSX

/// How import reads one sheet cell: the field rules of `InputRecord` for XLSX values, which
/// may be numbers, dates, booleans, errors or formulas besides text. Text goes through the same
/// rules as a CSV field (`FieldRules`: the text rule, codes, the one amount parser).
enum CellValues {
    /// True for a cell with nothing in it (spaces count as nothing).
    static func isBlank(_ v: XLSXValue) -> Bool {
        switch v {
        case .empty: return true
        case .string(let s): return s.trimmingSpaces.isEmpty
        default: return false
        }
    }

    /// What the cell holds, as a clerk would describe it (for messages).
    static func shown(_ v: XLSXValue) -> String {
        switch v {
        case .empty: return ""
        case .string(let s): return s
        case .number(let raw): return raw
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .date(let raw): return raw
        case .error(let e): return e
        case .formulaWithoutValue(let f): return "=" + f
        }
    }

    /// Refusals every column shares: an error value, a formula never calculated.
    static func common(_ v: XLSXValue) -> FieldRefusal? {
        switch v {
        case .error(let e):
            return FieldRefusal(rule: .cellError, message: "单元格是错误值 `\(e)`（请先改正公式）")
        case .formulaWithoutValue(let f):
            return FieldRefusal(rule: .formulaWithoutValue,
                                message: "单元格的公式 `=\(f)` 没有计算结果（文件保存时未计算公式；请在 Excel 或 WPS 中打开、保存后再导入，或改为填写数值）")
        default: return nil
        }
    }

    /// Free text (memo, names): a number is its text as stored, a boolean TRUE/FALSE. Not trimmed.
    static func text(_ v: XLSXValue) throws(FieldRefusal) -> String {
        if let r = common(v) { throw r }
        switch v {
        case .empty: return ""
        case .string(let s): try FieldRules.checkText(s); return s
        case .number(let raw): return raw
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .date:
            throw FieldRefusal(rule: .dateCell, message: "单元格是日期，这里应填写文字")
        default: return ""
        }
    }

    /// A vocabulary word (资金来源, 上年结转 …): trimmed text; a number comes back as its text,
    /// for the caller's own message.
    static func word(_ v: XLSXValue) throws(FieldRefusal) -> String {
        if case .date = v { throw FieldRefusal(rule: .dateCell, message: "单元格是日期，这里应填写文字") }
        return try text(v).trimmingSpaces
    }

    /// A code (科目, 单位, 项目): text by `FieldRules.code`, or a number typed into a cell: the code as
    /// Excel stored it (`2080501`), never reformatted; `2080501.0` is accepted (some writers add the
    /// decimal), but `2.08E+06` is refused: Excel has rounded the code and the digits are lost.
    static func code(_ v: XLSXValue) throws(FieldRefusal) -> String {
        if let r = common(v) { throw r }
        switch v {
        case .empty: return ""
        case .bool(let b): throw FieldRefusal(rule: .boolCell, message: "单元格是逻辑值 \(b ? "TRUE" : "FALSE")，这里应填写编码")
        case .date: throw FieldRefusal(rule: .dateCell, message: "单元格是日期，这里应填写编码（可能被 Excel 自动转换成了日期）")
        case .number(let raw):
            let t = raw.trimmingSpaces
            if FieldRules.isMangled(t) { throw FieldRules.mangled(t) }
            var digits = Substring(t)
            if let dot = digits.firstIndex(of: "."), digits[digits.index(after: dot)...].allSatisfy({ $0 == "0" }) {
                digits = digits[..<dot]
            }
            guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw FieldRefusal(rule: .malformedCode, message: "`\(t)` 不是编码（编码只有数字，不能有小数）")
            }
            return String(digits)
        case .string(let s):
            return try FieldRules.code(s)
        default: return ""
        }
    }

    /// An amount: text is parsed as typed, a number cell from the digits the file stores, both by
    /// the one amount parser (`Money.parse`, `Money.parse(storedNumber:)`).
    static func amount(_ v: XLSXValue, unit: AmountUnit) throws(FieldRefusal) -> Money {
        if let r = common(v) { throw r }
        switch v {
        case .empty:
            throw FieldRules.amountRefusal(.empty, unit: unit)
        case .string(let s):
            return try FieldRules.amount(s, unit: unit)
        case .number(let raw):
            do { return try Money.parse(storedNumber: raw, unit: unit) } catch {
                throw FieldRefusal(rule: .amount, message: error.description)
            }
        case .date:
            throw FieldRefusal(rule: .dateAsAmount, message: "单元格是日期格式，不是金额（请把单元格格式改为数值后重新输入）")
        case .bool(let b):
            throw FieldRefusal(rule: .amount, message: "单元格是逻辑值 \(b ? "TRUE" : "FALSE")，不是金额")
        default:
            throw FieldRefusal(rule: .amount, message: "`\(shown(v))` 不是金额")
        }
    }
}

/// A sheet row as an `InputRecord`: the cells of `TableReader`, in schema order.
struct SheetRecord: InputRecord {
    let row: TableRow
    let table: TableReader

    var line: Int { row.number }

    mutating func code(_ c: Int) throws(FieldRefusal) -> String {
        let v = row.values[c]
        // A sheet repeats a few hundred codes over its rows: each distinct text cell is read once.
        guard case .string(let s) = v else { return try CellValues.code(v) }
        if let known = table.codeCache[s] { return known }
        let code = try CellValues.code(v)
        table.remember(s, code, in: \.codeCache)
        return code
    }

    mutating func choice<T: InputChoice>(_ c: Int, as type: T.Type) throws(FieldRefusal) -> T? {
        let v = row.values[c]
        guard case .string(let s) = v else { return T(name: try CellValues.word(v)) }
        if let known = table.wordCache[s] { return T(name: known) }
        let word = try CellValues.word(v)
        table.remember(s, word, in: \.wordCache)
        return T(name: word)
    }

    mutating func name(_ c: Int) throws(FieldRefusal) -> String { try CellValues.text(row.values[c]).trimmingSpaces }

    mutating func text(_ c: Int) throws(FieldRefusal) -> String { try CellValues.text(row.values[c]) }

    mutating func amount(_ c: Int, unit: AmountUnit) throws(FieldRefusal) -> Money { try CellValues.amount(row.values[c], unit: unit) }

    func shown(_ c: Int) -> String { CellValues.shown(row.values[c]).trimmingSpaces }

    func location(_ c: Int) -> Location { table.location(row: row.number, index: c) }
}
