import BudgetCore

/// Why a field's value cannot be used where it stands; the row rules add the location and value.
public struct FieldRefusal: Error, Sendable {
    public var rule: RuleID
    public var message: String
    public init(rule: RuleID, message: String) { self.rule = rule; self.message = message }
}

/// A fixed vocabulary a choice column takes (资金来源, 上年结转, 支出类型, 单位类型, 项目类别).
public protocol InputChoice: CaseIterable {
    /// The value for a Chinese name or an English alias; nil when the word is not one of them.
    init?(name: String)
    /// The Chinese name, as written on output.
    var name: String { get }
}

extension Source: InputChoice {}
extension Carryover: InputChoice {}
extension ExpenditureKind: InputChoice {}
extension UnitType: InputChoice {}
extension ProjectCategory: InputChoice {}

/// One row of a table as a reader hands it over — a CSV record of a workbook folder or of an
/// imported file, a sheet row of an XLSX — with its fields by schema column. Each method is the
/// field rule of a `ColumnKind`; a reader implements them for its own cells (a CSV field is bytes,
/// a sheet cell may be a number, a date or an error), and `RowRules` are written once over them.
/// A column the table lacks reads as empty.
public protocol InputRecord {
    /// The row's line number in the file or sheet.
    var line: Int { get }
    /// A code: trimmed; a drop-down label `2080501 行政单位离退休` gives `2080501`; a code Excel turned
    /// into scientific notation is refused (`FieldRules.code`).
    mutating func code(_ column: Int) throws(FieldRefusal) -> String
    /// A word of a vocabulary; nil when it is none of its words (the row rule names the word).
    mutating func choice<T: InputChoice>(_ column: Int, as type: T.Type) throws(FieldRefusal) -> T?
    /// A name: trimmed text.
    mutating func name(_ column: Int) throws(FieldRefusal) -> String
    /// Free text as written.
    mutating func text(_ column: Int) throws(FieldRefusal) -> String
    /// An amount in `unit`, by the one amount parser (`Money.parse`).
    mutating func amount(_ column: Int, unit: AmountUnit) throws(FieldRefusal) -> Money
    /// The field as written, for messages.
    func shown(_ column: Int) -> String
    /// Where the field is, for messages.
    func location(_ column: Int) -> Location
}

/// The field rules on text, shared by every reader (a CSV field, a sheet's text cell).
public enum FieldRules {
    /// Refuses text that `TextRule` does not allow.
    public static func checkText(_ s: String) throws(FieldRefusal) {
        if let refused = TextRule.firstRefused(in: s) { throw FieldRefusal(rule: .controlCharacter, message: TextRule.message(refused)) }
        if let why = TextRule.lengthProblem(s) { throw FieldRefusal(rule: .textTooLong, message: why) }
    }

    /// A code typed as text. `2080501 行政单位离退休` (how the template's drop-downs show codes)
    /// gives `2080501`; `2.08E+06` is refused: Excel has rounded the code into scientific notation
    /// and the digits are lost.
    public static func code(_ s: String) throws(FieldRefusal) -> String {
        try checkText(s)
        let t = s.trimmingSpaces
        if isMangled(t) { throw mangled(t) }
        // The code is what precedes the first space, tab or U+3000.
        if let j = t.unicodeScalars.firstIndex(where: { $0 == " " || $0 == "\u{3000}" || $0 == "\t" }) {
            return String(t[..<j])
        }
        return t
    }

    /// `2.08E+06`: a code Excel turned into scientific notation.
    public static func isMangled(_ t: some StringProtocol) -> Bool {
        let u = t.utf8
        guard let e = u.firstIndex(where: { $0 == 0x45 || $0 == 0x65 }) else { return false } // E or e
        let mantissa = u[..<e], exponent = u[u.index(after: e)...]
        return !mantissa.isEmpty && mantissa.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E })
            && !exponent.isEmpty && exponent.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2B || $0 == 0x2D })
    }

    public static func mangled(_ t: String) -> FieldRefusal {
        FieldRefusal(rule: .mangledCode,
                     message: "编码 `\(t)` 被 Excel 显示成了科学计数法，原来的数字已经丢失（请把这一列设为“文本”格式后重新输入编码）")
    }

    /// An amount typed as text (`Money.parse`); the message says when the column is in 万元.
    public static func amount(_ s: some StringProtocol, unit: AmountUnit) throws(FieldRefusal) -> Money {
        do { return try Money.parse(s, unit: unit) } catch { throw amountRefusal(error, unit: unit) }
    }

    public static func amountRefusal(_ e: AmountError, unit: AmountUnit) -> FieldRefusal {
        FieldRefusal(rule: .amount, message: e.description + (unit == .wan && e != .empty ? "（本列以万元为单位）" : ""))
    }
}

/// The field rules with their refusals reported: each adds a problem at the field (rule, location,
/// the value as written) and gives nil.
extension InputRecord {
    mutating func report(_ e: FieldRefusal, _ column: Int, _ problems: inout ProblemCollector) {
        problems.add(Problem(rule: e.rule, location: location(column), value: shown(column), message: e.message))
    }

    mutating func code(_ c: Int, _ problems: inout ProblemCollector) -> String? {
        do { return try code(c) } catch { report(error, c, &problems); return nil }
    }

    mutating func name(_ c: Int, _ problems: inout ProblemCollector) -> String? {
        do { return try name(c) } catch { report(error, c, &problems); return nil }
    }

    mutating func text(_ c: Int, _ problems: inout ProblemCollector) -> String? {
        do { return try text(c) } catch { report(error, c, &problems); return nil }
    }

    mutating func amount(_ c: Int, unit: AmountUnit, _ problems: inout ProblemCollector) -> Money? {
        do { return try amount(c, unit: unit) } catch { report(error, c, &problems); return nil }
    }

    /// nil when refused, `.some(nil)` for a word that is none of the vocabulary's.
    mutating func choice<T: InputChoice>(_ c: Int, as type: T.Type, _ problems: inout ProblemCollector) -> T?? {
        do { return .some(try choice(c, as: type)) } catch { report(error, c, &problems); return nil }
    }
}
