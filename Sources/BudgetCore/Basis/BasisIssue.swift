/// What is wrong with one basis expression, and where in it: the value a `Problem` is made from
/// once the line is known. Offsets count Unicode scalars from 0 (the characters a clerk sees:
/// every character an expression may hold is one scalar).
public struct BasisIssue: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case syntax = "basis-syntax"
        case unknownName = "basis-unknown-name"
        case unknownFunction = "basis-unknown-function"
        case unknownField = "basis-unknown-field"
        case unknownEconomicCode = "basis-unknown-economic-code"
        case negative = "basis-negative"
        case divisionByZero = "basis-division-by-zero"
        case tooLarge = "basis-too-large"
        case limit = "basis-limit"
        case cycle = "basis-cycle"

        /// The typed rule id a problem of this kind carries.
        public var rule: RuleID {
            switch self {
            case .syntax: return .basisSyntax
            case .unknownName: return .basisUnknownName
            case .unknownFunction: return .basisUnknownFunction
            case .unknownField: return .basisUnknownField
            case .unknownEconomicCode: return .basisUnknownEconomicCode
            case .negative: return .basisNegative
            case .divisionByZero: return .basisDivisionByZero
            case .tooLarge: return .basisTooLarge
            case .limit: return .basisLimit
            case .cycle: return .basisCycle
            }
        }
    }

    public var kind: Kind
    /// Where the offending part starts (0-based) and how many characters it spans; the whole
    /// expression for a result that is negative or too large.
    public var offset: Int
    public var length: Int
    /// What is wrong, for a clerk, in Chinese (without the expression and the place).
    public var detail: String
    /// The problem is the result of the whole expression (negative, too large), not one place in it.
    public var isResult: Bool

    public init(_ kind: Kind, at offset: Int, length: Int, _ detail: String, result: Bool = false) {
        self.kind = kind; self.offset = offset; self.length = max(0, length); self.detail = detail; self.isResult = result
    }

    public var description: String { "\(kind.rawValue)@\(offset)+\(length): \(detail)" }

    /// The problem at `location` for the expression `text`:
    /// `测算依据 `=在职人数×月工资` 第 6 个字符 `月工资`：未知的名称……`.
    public func problem(expression text: String, at location: Location) -> Problem {
        let scalars = Array(text.unicodeScalars)
        let start = min(offset, scalars.count), end = min(offset + length, scalars.count)
        let place: String
        if isResult {
            place = ""
        } else if start >= scalars.count {
            place = " 末尾"
        } else {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: scalars[start..<end])
            place = " 第 \(start + 1) 个字符" + (s.isEmpty ? "" : " `\(String(s))`")
        }
        return Problem(rule: kind.rule, location: location, value: text,
                       message: "测算依据 `\(BasisIssue.shown(text))`\(place)：\(detail)")
    }

    /// The expression as a message shows it: at most 80 characters.
    static func shown(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > 80 else { return text }
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars.prefix(77))
        return String(s) + "……"
    }
}
