/// An amount of money in 分 (hundredths of a 元), exact. The engine never uses floating point.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The amount in 分.
    public var fen: Int64

    public init(fen: Int64) { self.fen = fen }

    public static let zero = Money(fen: 0)

    public static func < (a: Money, b: Money) -> Bool { a.fen < b.fen }
    public static func + (a: Money, b: Money) -> Money { Money(fen: a.fen + b.fen) }
    public static func - (a: Money, b: Money) -> Money { Money(fen: a.fen - b.fen) }
    public static func += (a: inout Money, b: Money) { a.fen += b.fen }

    /// 元 with exactly two decimals, as the workbook folder writes it: `1179406.32`.
    public var yuanText: String {
        let sign = fen < 0 ? "-" : ""
        let m = fen.magnitude
        let cents = m % 100
        return "\(sign)\(m / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// 万元 rounded once, half up, to two decimals: the printed figure of the tables.
    /// docs/domain.md: "a total is rounded once, from exact amounts, never summed from rounded parts".
    public var wanHundredths: Int64 { Money.roundHalfUp(fen, divisor: 10_000) }

    /// The printed 万元 figure, `3744.74`; zero prints as an empty string.
    public var wanText: String {
        let h = wanHundredths
        if h == 0 { return "" }
        return Money.hundredthsText(h)
    }

    /// The printed 万元 figure as a spreadsheet number (13487.42, never the exact 13487.4178): a cell
    /// holds exactly the figure it prints, so copying or summing cells gives the published figures.
    public var wanPrinted: Double { Money.hundredthsValue(wanHundredths) }

    public var description: String { yuanText }

    /// Integer division rounding half away from zero ("四舍五入").
    public static func roundHalfUp(_ value: Int64, divisor: Int64) -> Int64 {
        let q = value / divisor, r = value % divisor
        if r * 2 >= divisor { return q + 1 }
        if r * 2 <= -divisor { return q - 1 }
        return q
    }

    /// `1234567` hundredths → the double nearest 12345.67. Exact in, correctly rounded out (|h| < 2^53):
    /// Excel, LibreOffice and our reader parse the cell's text back to this same double.
    public static func hundredthsValue(_ h: Int64) -> Double { Double(h) / 100 }

    /// `1234567` hundredths → `12345.67`; with `grouped`, `12,345.67`.
    public static func hundredthsText(_ h: Int64, grouped: Bool = false) -> String {
        let sign = h < 0 ? "-" : ""
        let m = h.magnitude
        var whole = String(m / 100)
        if grouped, whole.count > 3 {
            var out = ""
            for (i, ch) in whole.enumerated() {
                if i > 0, (whole.count - i) % 3 == 0 { out.append(",") }
                out.append(ch)
            }
            whole = out
        }
        let cents = m % 100
        return "\(sign)\(whole).\(cents < 10 ? "0" : "")\(cents)"
    }
}

/// The unit an amount is written in: 元 (the workbook folder's and the grid's) or 万元 (the tables').
public enum AmountUnit: Sendable, Equatable {
    case yuan, wan

    public var chineseName: String { self == .yuan ? "元" : "万元" }

    /// Decimals that are exact to the 分: 1 元 = 10^2 分, 1 万元 = 10^6 分.
    public var scale: Int { self == .yuan ? 2 : 6 }

    /// 分 per unit.
    var fenPerUnit: Int64 { self == .yuan ? 100 : 1_000_000 }
}

/// The largest amounts a budget may hold. Every reader, every edit and every batch enforces them
/// (docs/workbook-folder.md, "Limits"), so every sum the workbench forms is bounded by them.
public enum BudgetLimits {
    /// One line item, or one revenue line: 1000 亿元.
    public static let lineAmount = Money(fen: 10_000_000_000_000)

    /// All expenditure lines of a budget together, and all its revenue lines together: 10 万亿元
    /// (a third of the whole national budget: no department comes near it).
    ///
    /// Every figure the workbench computes — a slot of the roll-up, a table cell, a tree row, a
    /// total sent to the page — is a sum of some lines of one budget, so it is at most this:
    /// 10^15 分, far below Int64.max (9.2 × 10^18) and below 2^53 (9.0 × 10^15), the largest
    /// integer a JavaScript number (the page's 分) holds exactly. An 增减额 of two budgets stays
    /// within ±10^15; rates and shares multiply by 10^4 in 128 bits (`Percent.ratio`).
    public static let budgetTotal = Money(fen: 1_000_000_000_000_000)

    /// `1000 亿元（100,000,000,000.00 元，即 10,000,000.00 万元）`: a limit as a clerk reads it.
    public static func text(_ limit: Money) -> String {
        let yi = limit.fen / 10_000_000_000   // 1 亿元 = 10^10 分
        let name = yi >= 10_000 ? "\(yi / 10_000) 万亿元" : "\(yi) 亿元"
        return "\(name)（\(Money.hundredthsText(limit.fen, grouped: true)) 元，即 \(Money.hundredthsText(limit.fen / 10_000, grouped: true)) 万元）"
    }

    /// The sum of `amounts` in checked arithmetic; nil when it passes `budgetTotal` (it can then
    /// not wrap: each step adds at most Int64.max to a sum of at most `budgetTotal`, or stops).
    public static func total(_ amounts: some Sequence<Money>) -> Money? {
        var t: Int64 = 0
        for a in amounts {
            let (s, o) = t.addingReportingOverflow(a.fen)
            if o || s > budgetTotal.fen || s < 0 { return nil }
            t = s
        }
        return Money(fen: t)
    }

    /// Why a total is refused: `what` (支出明细合计, 收入合计) would be `total` (nil: past Int64).
    public static func totalMessage(_ what: String, _ total: Money?) -> String {
        let found = total.map { "\(Money.hundredthsText($0.fen, grouped: true)) 元" } ?? "更多"
        return "\(what)为 \(found)，超过上限：一个预算的\(what)最多 \(text(budgetTotal))"
    }
}

/// Why an amount text was refused; the caller adds the file, line and column.
public enum AmountError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case negative(String)
    case tooManyDecimals(String, unit: AmountUnit = .yuan)
    case notANumber(String)
    /// A thousands separator that is not every three digits of the whole part (`1,23.5`, `12,3456`).
    case misplacedSeparator(String)
    /// Past `BudgetLimits.lineAmount` (the name is the parser's old one: every overflow lands here).
    case overflow(String, unit: AmountUnit = .yuan)

    public var description: String {
        switch self {
        case .empty: return "金额为空"
        case .negative(let s): return "金额 `\(s)` 为负数（金额不得小于 0）"
        case .tooManyDecimals(let s, let unit):
            return unit == .yuan ? "金额 `\(s)` 超过两位小数（金额以元为单位，精确到分）"
                : "金额 `\(s)` 超过六位小数（以万元为单位时精确到分是六位小数）"
        case .notANumber(let s):
            let hint = s.contains("。") ? "；“。”是中文句号，小数点请用“.”" : ""
            return "`\(s)` 不是金额（只允许数字、小数点和每三位一个的千分位逗号，不允许正负号、科学计数法\(hint)）"
        case .misplacedSeparator(let s):
            return "金额 `\(s)` 的千分位逗号位置不对（逗号只能从个位起每三位一个，如 1,234,567.89）"
        case .overflow(let s, _):
            return "金额 `\(s)` 超过上限：一条明细最多 \(BudgetLimits.text(BudgetLimits.lineAmount))"
        }
    }
}

/// The one amount parser. Every reader uses it: the workbook folder (CSV), XLSX and CSV import,
/// the page's edits through the API, the command line. Its rule, for text as a clerk types it:
/// - digits with at most one decimal point and at most `unit.scale` decimals (2 for 元, 6 for 万元);
/// - spaces (ASCII and U+3000) around it are ignored;
/// - full-width digits, point, comma and minus (`１２３４．５６`, as a Chinese input method types
///   them) are the same characters as their ASCII forms (Unicode's compatibility forms);
/// - thousands separators (`,` or `，`) are accepted only every three digits from the units
///   (`1,234,567.89`: what Excel shows and copies); anywhere else they are refused, since
///   `1,5` might be meant as 1.5;
/// - no sign (a minus is refused as negative), no exponent, no other character;
/// - at most `BudgetLimits.lineAmount`.
/// A typo must never become a different amount: whatever the rule does not accept is refused.
extension Money {
    /// Parses 元: `1179406.32`, `49728`, `0.5`, `1,179,406.32`.
    public static func parseYuan(_ text: some StringProtocol) throws(AmountError) -> Money {
        try parse(text, unit: .yuan)
    }

    /// Parses 万元 (`118.6`, up to six decimals, i.e. exact to the 分).
    public static func parseWan(_ text: some StringProtocol) throws(AmountError) -> Money {
        try parse(text, unit: .wan)
    }

    /// Parses text as typed, in `unit`.
    public static func parse(_ text: some StringProtocol, unit: AmountUnit) throws(AmountError) -> Money {
        var s = String(text)
        var result: Result<Money, AmountError> = .failure(.empty)
        s.withUTF8 { b in result = Result { () throws(AmountError) -> Money in try parse(utf8: b, unit: unit) } }
        return try result.get()
    }

    /// Parses the UTF-8 bytes of text as typed, in `unit`, without building a String unless the
    /// text is refused or uses full-width characters (the CSV reader's path: 10^6 amounts a load).
    public static func parse(utf8 raw: UnsafeBufferPointer<UInt8>, unit: AmountUnit) throws(AmountError) -> Money {
        let r = UTF8Spaces.trimmedRange(raw)
        let b = UnsafeBufferPointer(rebasing: raw[r])
        if b.isEmpty { throw .empty }
        func original() -> String { String(decoding: raw, as: UTF8.self).trimmingSpaces }
        if b.allSatisfy({ $0 < 0x80 }) { return try parseASCII(b, unit: unit, original: original) }
        // Full-width forms (EF BC xx) become ASCII; anything else non-ASCII is not a number.
        var ascii: [UInt8] = []
        ascii.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            let c = b[i]
            if c < 0x80 { ascii.append(c); i += 1; continue }
            if c == 0xEF, i + 2 < b.count, b[i + 1] == 0xBC, (0x8B...0x99).contains(b[i + 2]) {
                ascii.append(b[i + 2] - 0x8B + 0x2B)   // U+FF0B…U+FF19 → "+" … "9"
                i += 3
                continue
            }
            if c == 0xE2, i + 2 < b.count, b[i + 1] == 0x88, b[i + 2] == 0x92 { ascii.append(0x2D); i += 3; continue } // U+2212 minus
            throw .notANumber(original())
        }
        var result: Result<Money, AmountError> = .failure(.empty)
        ascii.withUnsafeBufferPointer { a in
            result = Result { () throws(AmountError) -> Money in try parseASCII(a, unit: unit, original: original) }
        }
        return try result.get()
    }

    /// The rule above on ASCII bytes; `original` names the text in an error.
    private static func parseASCII(_ b: UnsafeBufferPointer<UInt8>, unit: AmountUnit,
                                   original: () -> String) throws(AmountError) -> Money {
        if b.first == 0x2D { throw .negative(original()) }
        var whole: Int64 = 0, frac: Int64 = 0, fracDigits = 0, digits = 0
        var seenDot = false
        // Thousands separators: the digits since the last one (or the start), and whether any was seen.
        var group = 0, separators = false, misplaced = false
        let maxWhole = BudgetLimits.lineAmount.fen / unit.fenPerUnit
        var tooLarge = false
        for c in b {
            switch c {
            case 0x30...0x39:
                let d = Int64(c - 0x30)
                digits += 1
                if seenDot {
                    fracDigits += 1
                    if fracDigits <= unit.scale { frac = frac * 10 + d }
                } else {
                    group += 1
                    // whole ≤ maxWhole ≤ 10^11 before the step: × 10 + 9 cannot overflow.
                    if !tooLarge { whole = whole * 10 + d; if whole > maxWhole { tooLarge = true } }
                }
            case 0x2E:
                if seenDot { throw .notANumber(original()) }
                if separators && group != 3 { misplaced = true }
                seenDot = true
            case 0x2C:
                if seenDot || group == 0 || (separators && group != 3) || (!separators && group > 3) { misplaced = true }
                separators = true
                group = 0
            default:
                throw .notANumber(original())
            }
        }
        if separators && !seenDot && group != 3 { misplaced = true }
        if digits == 0 { throw .notANumber(original()) }
        if misplaced { throw .misplacedSeparator(original()) }
        if fracDigits > unit.scale { throw .tooManyDecimals(original(), unit: unit) }
        for _ in fracDigits..<unit.scale { frac *= 10 }
        let fen = tooLarge ? Int64.max : whole * unit.fenPerUnit + frac
        if fen > BudgetLimits.lineAmount.fen { throw .overflow(original(), unit: unit) }
        return Money(fen: fen)
    }

    /// Parses the decimal a spreadsheet's number cell stores (`1179406.32`, `1.5E-2`,
    /// `1179406.3200000001`), in `unit`. Binary floating point can store 1179406.32 as
    /// `1179406.3200000001`: such a value is taken as the 分 amount when it is within 10^-4 分 of
    /// one, and refused as having too many decimals otherwise. `-0` is zero; any other negative is
    /// refused. The limit is the same as for text.
    public static func parse(storedNumber raw: String, unit: AmountUnit) throws(AmountError) -> Money {
        let text = raw.trimmingSpaces
        var mantissa = Substring(text), exponent = 0
        if let e = text.firstIndex(where: { $0 == "E" || $0 == "e" }) {
            mantissa = text[..<e]
            guard let x = Int(text[text.index(after: e)...]), abs(x) < 400 else { throw .notANumber(text) }
            exponent = x
        }
        if mantissa.hasPrefix("-") {
            if mantissa.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { mantissa = mantissa.dropFirst() } else {
                throw .negative(text)
            }
        }
        if mantissa.hasPrefix("+") { mantissa = mantissa.dropFirst() }
        // Digits and the position of the decimal point: value = digits × 10^(pointShift).
        var digits: [UInt8] = []
        var fractionDigits = 0, seenDot = false
        for c in mantissa.utf8 {
            if c >= 0x30 && c <= 0x39 { digits.append(c - 0x30); if seenDot { fractionDigits += 1 } }
            else if c == 0x2E, !seenDot { seenDot = true }
            else { throw .notANumber(text) }
        }
        if digits.isEmpty { throw .notANumber(text) }
        // In 分: value × 10^scale = digits × 10^(exponent + scale − fractionDigits).
        let shift = exponent + unit.scale - fractionDigits
        let wholeCount = shift >= 0 ? digits.count : max(0, digits.count + shift)
        var fen: Int64 = 0
        for i in 0..<(wholeCount + max(0, shift)) {
            let d = i < digits.count ? Int64(digits[i]) : 0
            // fen ≤ lineAmount (10^13) before the step: × 10 + 9 cannot overflow.
            fen = fen * 10 + d
            if fen > BudgetLimits.lineAmount.fen { throw .overflow(text, unit: unit) }
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
                if fen > BudgetLimits.lineAmount.fen { throw .overflow(text, unit: unit) }
            } else {
                throw .tooManyDecimals(text, unit: unit)
            }
        }
        return Money(fen: fen)
    }
}

extension StringProtocol {
    /// Trims ASCII and full-width spaces, which clerks paste from Excel.
    /// Works on the UTF-8 bytes (U+3000 is E3 80 80): it runs on every cell of a 10^5-row import.
    public var trimmingSpaces: String {
        var s = String(self)
        let trimmed: String? = s.withUTF8 { b in
            let r = UTF8Spaces.trimmedRange(b)
            if r.count == b.count { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self)
        }
        return trimmed ?? s
    }
}

/// The characters `trimmingSpaces` removes, on UTF-8 bytes: space, tab, CR, LF and U+3000 (E3 80 80).
public enum UTF8Spaces {
    /// The range of `b` without those characters at either end.
    public static func trimmedRange(_ b: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        func space(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }
        var i = 0, j = b.count
        while i < j {
            if space(b[i]) { i += 1 } else if b[i] == 0xE3, i + 2 < j, b[i + 1] == 0x80, b[i + 2] == 0x80 { i += 3 } else { break }
        }
        while j > i {
            if space(b[j - 1]) { j -= 1 } else if b[j - 1] == 0x80, j - 3 >= i, b[j - 3] == 0xE3, b[j - 2] == 0x80 { j -= 3 } else { break }
        }
        return i..<j
    }
}

extension Money: Codable {
    /// Encoded as an integer number of 分.
    public init(from decoder: any Decoder) throws { fen = try decoder.singleValueContainer().decode(Int64.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(fen)
    }
}
