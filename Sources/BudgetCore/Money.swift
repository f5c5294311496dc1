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
    /// DOMAIN.md: "a total is rounded once, from exact amounts, never summed from rounded parts".
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

/// Why an amount text was refused; the caller adds the file, line and column.
public enum AmountError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case negative(String)
    case tooManyDecimals(String)
    case notANumber(String)
    case overflow(String)

    public var description: String {
        switch self {
        case .empty: return "金额为空"
        case .negative(let s): return "金额 `\(s)` 为负数（金额不得小于 0）"
        case .tooManyDecimals(let s): return "金额 `\(s)` 超过两位小数（金额以元为单位，精确到分）"
        case .notANumber(let s): return "`\(s)` 不是金额（只允许数字和小数点，不允许千分位、科学计数法）"
        case .overflow(let s): return "金额 `\(s)` 过大"
        }
    }
}

extension Money {
    /// Parses 元 as a plain decimal with at most two decimals: `1179406.32`, `49728`, `0.5`.
    /// Refuses signs, exponents, thousands separators and more than two decimals: a clerk's
    /// typo must never become a different amount.
    public static func parseYuan(_ text: some StringProtocol) throws(AmountError) -> Money {
        try parse(scale: 2, original: String(text))
    }

    /// Parses 万元 (`118.6`, up to six decimals, i.e. exact to the 分).
    public static func parseWan(_ text: some StringProtocol) throws(AmountError) -> Money {
        try parse(scale: 6, original: String(text))
    }

    /// Fast path for the CSV reader: parses bytes without building a String unless there is an error.
    public static func parseYuan(bytes: UnsafeBufferPointer<UInt8>) throws(AmountError) -> Money {
        var whole: Int64 = 0, frac: Int64 = 0, fracDigits = 0, seenDot = false, digits = 0
        for b in bytes {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let d = Int64(b - UInt8(ascii: "0"))
                if seenDot {
                    fracDigits += 1
                    if fracDigits > 2 { throw .tooManyDecimals(String(decoding: bytes, as: UTF8.self)) }
                    frac = frac * 10 + d
                } else {
                    let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                    let (s, o2) = m.addingReportingOverflow(d)
                    if o1 || o2 || s > Int64.max / 100 { throw .overflow(String(decoding: bytes, as: UTF8.self)) }
                    whole = s
                }
                digits += 1
            case UInt8(ascii: "."):
                if seenDot { throw .notANumber(String(decoding: bytes, as: UTF8.self)) }
                seenDot = true
            case UInt8(ascii: "-"):
                throw .negative(String(decoding: bytes, as: UTF8.self))
            default:
                throw .notANumber(String(decoding: bytes, as: UTF8.self))
            }
        }
        if bytes.isEmpty { throw .empty }
        if digits == 0 { throw .notANumber(String(decoding: bytes, as: UTF8.self)) }
        if fracDigits == 1 { frac *= 10 }
        return Money(fen: whole * 100 + frac)
    }

    private static func parse(scale: Int, original: String) throws(AmountError) -> Money {
        let trimmed = original.trimmingSpaces
        if trimmed.isEmpty { throw .empty }
        if trimmed.hasPrefix("-") { throw .negative(original) }
        var whole: Int64 = 0, frac: Int64 = 0, fracDigits = 0, seenDot = false, digits = 0
        for b in trimmed.utf8 {
            if b >= 48 && b <= 57 {
                let d = Int64(b - 48)
                if seenDot {
                    fracDigits += 1
                    if fracDigits > scale { throw .tooManyDecimals(original) }
                    frac = frac * 10 + d
                } else {
                    let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                    let (s, o2) = m.addingReportingOverflow(d)
                    if o1 || o2 || s > Int64.max / 1_000_000 { throw .overflow(original) }
                    whole = s
                }
                digits += 1
            } else if b == 46, !seenDot {
                seenDot = true
            } else {
                throw .notANumber(original)
            }
        }
        if digits == 0 { throw .notANumber(original) }
        var f = frac
        for _ in fracDigits..<scale { f *= 10 }
        // f is in units of 10^-scale 元; convert to 分.
        if scale == 2 { return Money(fen: whole * 100 + f) }
        // 万元 with 6 decimals: 1 万元 = 10^6 分, the fraction's unit is exactly 1 分.
        return Money(fen: whole * 1_000_000 + f)
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
