/// One token of a basis expression, with its place (scalar offsets, end exclusive).
struct BasisToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A decimal number; `digits` is its ASCII text when it has no decimal point (an
        /// economic code in `经济(…)`).
        case number(Rational, digits: String?)
        case name(String)
        /// Quoted text (`"遗属"`, `“在职”`): a category or field that is not a name.
        case text(String)
        case plus, minus, times, divide, percent, open, close, comma, equals
        case end
    }
    var kind: Kind
    var start: Int
    var end: Int
}

/// The characters of the expression language (docs/basis.md, "The language"). Full-width forms
/// are what a Chinese input method types; each has exactly one meaning, so nothing is guessed.
enum BasisCharacters {
    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x20, 0x09, 0x0A, 0x0D, 0xA0, 0x3000: return true
        default: return false
        }
    }

    /// 0–9 and ０–９.
    static func digit(_ c: Unicode.Scalar) -> UInt8? {
        switch c.value {
        case 0x30...0x39: return UInt8(c.value - 0x30)
        case 0xFF10...0xFF19: return UInt8(c.value - 0xFF10)
        default: return nil
        }
    }

    static func isPoint(_ c: Unicode.Scalar) -> Bool { c == "." || c == "\u{FF0E}" }

    static func symbol(_ c: Unicode.Scalar) -> BasisToken.Kind? {
        switch c {
        case "+", "\u{FF0B}": return .plus
        case "-", "\u{FF0D}", "\u{2212}": return .minus
        case "*", "\u{FF0A}", "\u{00D7}": return .times
        case "/", "\u{FF0F}", "\u{00F7}": return .divide
        case "%", "\u{FF05}": return .percent
        case "(", "\u{FF08}": return .open
        case ")", "\u{FF09}": return .close
        case ",", "\u{FF0C}", "\u{3001}": return .comma
        case "=", "\u{FF1D}": return .equals
        default: return nil
        }
    }

    /// Opening quote → its closing quote.
    static func closingQuote(_ c: Unicode.Scalar) -> Unicode.Scalar? {
        switch c {
        case "\"": return "\""
        case "\u{FF02}": return "\u{FF02}"
        case "\u{201C}": return "\u{201D}"
        default: return nil
        }
    }

    /// A name starts with a letter (any script: 汉字, Latin, …), a letter-number (〇, Ⅱ) or `_`.
    static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        if c == "_" { return true }
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .letterNumber:
            return true
        default:
            return false
        }
    }

    /// …and continues with those or digits (ASCII or full-width, kept as written).
    static func isNameContinue(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || digit(c) != nil }
}

/// Splits an expression into tokens. Works on Unicode scalars (a 10^6-line load lexes
/// 3×10^5 expressions; Character iteration would cost more than the evaluation).
struct BasisLexer {
    let scalars: [Unicode.Scalar]
    private var i = 0

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    mutating func next() throws(BasisIssue) -> BasisToken {
        while i < scalars.count, BasisCharacters.isSpace(scalars[i]) { i += 1 }
        let start = i
        guard i < scalars.count else { return BasisToken(kind: .end, start: i, end: i) }
        let c = scalars[i]
        if BasisCharacters.digit(c) != nil || (BasisCharacters.isPoint(c) && i + 1 < scalars.count && BasisCharacters.digit(scalars[i + 1]) != nil) {
            return try number()
        }
        if let k = BasisCharacters.symbol(c) {
            i += 1
            return BasisToken(kind: k, start: start, end: i)
        }
        if BasisCharacters.isNameStart(c) {
            var s = String.UnicodeScalarView()
            while i < scalars.count, BasisCharacters.isNameContinue(scalars[i]) { s.append(scalars[i]); i += 1 }
            return BasisToken(kind: .name(String(s)), start: start, end: i)
        }
        if let close = BasisCharacters.closingQuote(c) {
            i += 1
            var s = String.UnicodeScalarView()
            while i < scalars.count, scalars[i] != close { s.append(scalars[i]); i += 1 }
            guard i < scalars.count else {
                throw BasisIssue(.syntax, at: start, length: 1, "引号没有配对")
            }
            i += 1
            return BasisToken(kind: .text(String(s)), start: start, end: i)
        }
        if c == "\u{3002}" {
            throw BasisIssue(.syntax, at: start, length: 1, "`。` 是句号，小数点请用 `.`")
        }
        if BasisCharacters.isPoint(c) {
            throw BasisIssue(.syntax, at: start, length: 1, "小数点后面应有数字")
        }
        throw BasisIssue(.syntax, at: start, length: 1, "不认识的字符 `\(Character(c))`（U+\(String(c.value, radix: 16, uppercase: true))）")
    }

    /// digits [point digits] or point digits. The value is exact: digits / 10^decimals.
    private mutating func number() throws(BasisIssue) -> BasisToken {
        let start = i
        var n: Int64 = 0, den: Int64 = 1, seenPoint = false, tooLarge = false
        var digits = ""
        while i < scalars.count {
            let c = scalars[i]
            if let d = BasisCharacters.digit(c) {
                if !tooLarge {
                    let (m, o1) = n.multipliedReportingOverflow(by: 10)
                    let (s, o2) = m.addingReportingOverflow(Int64(d))
                    if o1 || o2 || s > Rational.limit { tooLarge = true } else { n = s }
                    if seenPoint {
                        let (dd, o3) = den.multipliedReportingOverflow(by: 10)
                        if o3 || dd > Rational.limit { tooLarge = true } else { den = dd }
                    }
                }
                if !seenPoint { digits.unicodeScalars.append(Unicode.Scalar(48 + d)) }
                i += 1
            } else if BasisCharacters.isPoint(c), !seenPoint {
                guard i + 1 < scalars.count, BasisCharacters.digit(scalars[i + 1]) != nil else {
                    throw BasisIssue(.syntax, at: i, length: 1, "小数点后面应有数字")
                }
                seenPoint = true
                i += 1
            } else {
                break
            }
        }
        if i < scalars.count, BasisCharacters.isPoint(scalars[i]) {
            throw BasisIssue(.syntax, at: i, length: 1, "数字里有两个小数点")
        }
        guard !tooLarge, let value = try? Rational(n, den) else {
            throw BasisIssue(.tooLarge, at: start, length: i - start,
                             "数字超出上限（分子、分母不得超过 10^18，即最多 18 位数字）")
        }
        return BasisToken(kind: .number(value, digits: seenPoint ? nil : digits), start: start, end: i)
    }
}
