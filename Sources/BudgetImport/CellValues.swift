import BudgetCore
import BudgetXLSX

/// Why a cell's value cannot be used where it stands; the caller adds the location and rule.
struct CellRefusal: Error {
    var rule: String
    var message: String
}

/// How import reads one cell: the rules of the issue ("Reading XLSX") in one place, for XLSX
/// cells and CSV fields alike (a CSV field arrives as `.string`).
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
    static func common(_ v: XLSXValue) -> CellRefusal? {
        switch v {
        case .error(let e):
            return CellRefusal(rule: "cell-error", message: "单元格是错误值 `\(e)`（请先改正公式）")
        case .formulaWithoutValue(let f):
            return CellRefusal(rule: "formula-without-value",
                               message: "单元格的公式 `=\(f)` 没有计算结果（文件保存时未计算公式；请在 Excel 或 WPS 中打开、保存后再导入，或改为填写数值）")
        default: return nil
        }
    }

    /// Free text (memo, names): a number is its text as stored, a boolean TRUE/FALSE. Not trimmed.
    static func text(_ v: XLSXValue) throws(CellRefusal) -> String {
        if let r = common(v) { throw r }
        switch v {
        case .empty: return ""
        case .string(let s): return s
        case .number(let raw): return raw
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .date:
            throw CellRefusal(rule: "date-cell", message: "单元格是日期，这里应填写文字")
        default: return ""
        }
    }

    /// An enumeration value (资金来源, 上年结转 …): trimmed text; a number or date is refused by the
    /// caller's own message, so here it comes back as its text.
    static func word(_ v: XLSXValue) throws(CellRefusal) -> String {
        if case .date = v { throw CellRefusal(rule: "date-cell", message: "单元格是日期，这里应填写文字") }
        return try text(v).trimmingSpaces
    }

    /// A code (科目, 单位, 项目): text or a number typed into a cell.
    /// - `2080501 行政单位离退休` (how the template's drop-downs show codes) gives `2080501`.
    /// - A number is the code as Excel stored it (`2080501`), never reformatted; `2080501.0` is
    ///   accepted (some writers add the decimal), but `2.08E+06` is refused: Excel has rounded the
    ///   code into scientific notation and the digits are lost.
    static func code(_ v: XLSXValue) throws(CellRefusal) -> String {
        if let r = common(v) { throw r }
        switch v {
        case .empty: return ""
        case .bool(let b): throw CellRefusal(rule: "bool-cell", message: "单元格是逻辑值 \(b ? "TRUE" : "FALSE")，这里应填写编码")
        case .date: throw CellRefusal(rule: "date-cell", message: "单元格是日期，这里应填写编码（可能被 Excel 自动转换成了日期）")
        case .number(let raw):
            let t = raw.trimmingSpaces
            if isMangled(t) { throw mangled(t) }
            var digits = Substring(t)
            if let dot = digits.firstIndex(of: "."), digits[digits.index(after: dot)...].allSatisfy({ $0 == "0" }) {
                digits = digits[..<dot]
            }
            guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw CellRefusal(rule: "malformed-code", message: "`\(t)` 不是编码（编码只有数字，不能有小数）")
            }
            return String(digits)
        case .string(let s):
            let t = s.trimmingSpaces
            if isMangled(t) { throw mangled(t) }
            // "2080501 行政单位离退休": the code is what precedes the first space.
            let u = t.utf8
            if let i = u.firstIndex(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0xE3 }) {
                // 0xE3 starts U+3000 but also other characters (U+3000–U+3FFF): cut only at U+3000.
                if u[i] != 0xE3 { return String(t[..<i]) }
                if let j = t.unicodeScalars.firstIndex(where: { $0 == " " || $0 == "\u{3000}" || $0 == "\t" }) {
                    return String(t[..<j])
                }
            }
            return t
        default: return ""
        }
    }

    /// `2.08E+06`: a code Excel turned into scientific notation.
    static func isMangled(_ t: String) -> Bool {
        let u = t.utf8
        guard let e = u.firstIndex(where: { $0 == 0x45 || $0 == 0x65 }) else { return false } // E or e
        let mantissa = u[..<e], exponent = u[u.index(after: e)...]
        return !mantissa.isEmpty && mantissa.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E })
            && !exponent.isEmpty && exponent.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2B || $0 == 0x2D })
    }

    static func mangled(_ t: String) -> CellRefusal {
        CellRefusal(rule: "mangled-code",
                    message: "编码 `\(t)` 被 Excel 显示成了科学计数法，原来的数字已经丢失（请把这一列设为“文本”格式后重新输入编码）")
    }

    /// An amount: text is parsed as typed (Money.parseYuan / parseWan, the workbook folder's rules);
    /// a number cell is read from the digits the file stores, exactly. Binary floating point can
    /// store 1179406.32 as `1179406.3200000001`: such a value is taken as the 分 amount when it is
    /// within 10^-4 分 of one, and refused as having more than two decimals otherwise.
    static func amount(_ v: XLSXValue, unit: AmountUnit) throws(CellRefusal) -> Money {
        if let r = common(v) { throw r }
        switch v {
        case .empty:
            throw CellRefusal(rule: "amount", message: AmountError.empty.description)
        case .string(let s):
            do {
                return unit == .yuan ? try Money.parseYuan(s.trimmingSpaces) : try Money.parseWan(s.trimmingSpaces)
            } catch {
                throw CellRefusal(rule: "amount", message: error.description + (unit == .wan ? "（本列以万元为单位）" : ""))
            }
        case .number(let raw):
            return try numberAmount(raw.trimmingSpaces, unit: unit)
        case .date:
            throw CellRefusal(rule: "date-as-amount", message: "单元格是日期格式，不是金额（请把单元格格式改为数值后重新输入）")
        case .bool(let b):
            throw CellRefusal(rule: "amount", message: "单元格是逻辑值 \(b ? "TRUE" : "FALSE")，不是金额")
        default:
            throw CellRefusal(rule: "amount", message: "`\(shown(v))` 不是金额")
        }
    }

    /// The exact decimal a number cell stores (`1179406.32`, `1.5E-2`, `1179406.3200000001`) as 分.
    static func numberAmount(_ raw: String, unit: AmountUnit) throws(CellRefusal) -> Money {
        let scale = unit == .yuan ? 2 : 6   // 1 元 = 10^2 分, 1 万元 = 10^6 分
        var mantissa = Substring(raw), exponent = 0
        if let e = raw.firstIndex(where: { $0 == "E" || $0 == "e" }) {
            mantissa = raw[..<e]
            guard let x = Int(raw[raw.index(after: e)...]), abs(x) < 400 else { throw notAmount(raw) }
            exponent = x
        }
        if mantissa.hasPrefix("-") {
            if mantissa.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { mantissa = mantissa.dropFirst() } else {
                throw CellRefusal(rule: "amount", message: AmountError.negative(raw).description)
            }
        }
        if mantissa.hasPrefix("+") { mantissa = mantissa.dropFirst() }
        // Digits and the position of the decimal point: value = digits × 10^(pointShift).
        var digits: [UInt8] = []
        var fractionDigits = 0, seenDot = false
        for b in mantissa.utf8 {
            if b >= 48 && b <= 57 { digits.append(b - 48); if seenDot { fractionDigits += 1 } }
            else if b == 46, !seenDot { seenDot = true }
            else { throw notAmount(raw) }
        }
        if digits.isEmpty { throw notAmount(raw) }
        // In 分: value × 10^scale = digits × 10^(exponent + scale − fractionDigits).
        let shift = exponent + scale - fractionDigits
        let wholeCount = shift >= 0 ? digits.count : max(0, digits.count + shift)
        var fen: Int64 = 0
        for i in 0..<(wholeCount + max(0, shift)) {
            let d = i < digits.count ? Int64(digits[i]) : 0
            let (m, o1) = fen.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(d)
            if o1 || o2 { throw CellRefusal(rule: "amount", message: AmountError.overflow(raw).description) }
            fen = s
        }
        if shift < 0 {
            // The part below 1 分: digits after `wholeCount`, preceded by zeros when the number is tiny.
            let leadingZeros = max(0, -shift - digits.count)
            var rest: [UInt8] = Array(repeating: 0, count: leadingZeros) + digits[wholeCount...]
            while rest.count < 5 { rest.append(0) }
            let first4 = rest[0..<4].reduce(0) { $0 * 10 + Int($1) }
            let beyond = rest[4...].contains { $0 != 0 }
            if first4 == 0 || (first4 == 1 && !beyond) {
                // within 10^-4 分 above a 分 value
            } else if first4 >= 9999 {
                fen += 1
            } else {
                let what = unit == .yuan ? AmountError.tooManyDecimals(raw).description
                    : "金额 `\(raw)` 超过六位小数（以万元为单位时精确到分是六位小数）"
                throw CellRefusal(rule: "amount", message: what)
            }
        }
        return Money(fen: fen)
    }

    static func notAmount(_ raw: String) -> CellRefusal {
        CellRefusal(rule: "amount", message: "`\(raw)` 不是金额")
    }
}
