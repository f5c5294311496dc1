/// A number a parameter or a standard holds: exact, and remembered as written in one of two
/// forms, a plain decimal (`8000`, `0.16`) or a percentage (`16%`), so a save writes it back so.
public struct BasisNumber: Hashable, Sendable, CustomStringConvertible {
    public var value: Rational
    /// Written as a percentage: `16%` has the value 0.16.
    public var isPercent: Bool

    public init(_ value: Rational, percent: Bool = false) { self.value = value; self.isPercent = percent }

    /// The canonical text: `16%`, `0.16`, `8000` (trailing zeros dropped).
    public var text: String {
        guard isPercent, let hundred = try? value.multiplied(by: Rational(unchecked: 100, 1)) else { return value.decimalText }
        return hundred.decimalText + "%"
    }

    public var description: String { text }

    /// Reads a value as parameters.csv and standards.csv write it: a decimal without sign,
    /// exponent or thousands separator, optionally followed by `%`; full-width digits, point and
    /// percent sign as an input method types them. Spaces around it are ignored.
    public static func parse(_ text: String) throws(BasisValueError) -> BasisNumber {
        let scalars = Array(text.trimmingSpaces.unicodeScalars)
        guard !scalars.isEmpty else { throw BasisValueError(text: text, reason: "数值为空") }
        if BasisCharacters.symbol(scalars[0]) == .minus { throw BasisValueError(text: text, reason: "数值不得为负数") }
        var lexer = BasisLexer(scalars)
        do {
            let t = try lexer.next()
            guard case .number(let v, _) = t.kind else { throw BasisValueError(text: text, reason: "不是数值（应为如 8000、0.16 或 16% 的数）") }
            var next = try lexer.next()
            var percent = false
            if next.kind == .percent { percent = true; next = try lexer.next() }
            guard next.kind == .end else { throw BasisValueError(text: text, reason: "不是数值（应为如 8000、0.16 或 16% 的数）") }
            guard percent else { return BasisNumber(v) }
            guard let p = try? v.divided(by: Rational(unchecked: 100, 1)) else {
                throw BasisValueError(text: text, reason: "数值超出上限")
            }
            return BasisNumber(p, percent: true)
        } catch let e as BasisValueError {
            throw e
        } catch let issue as BasisIssue {
            throw BasisValueError(text: text, reason: issue.kind == .tooLarge ? "数值超出上限（最多 18 位数字）" : issue.detail)
        } catch {
            throw BasisValueError(text: text, reason: "不是数值")
        }
    }
}

/// Why a parameter or standard value was refused; the caller adds the file, line and column.
public struct BasisValueError: Error, Hashable, Sendable, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String { "数值 `\(text)` \(reason)" }
}

/// 参数: a named quantity of one unit (在职人数 23, 取暖面积 1200).
public struct Parameter: Hashable, Sendable {
    /// 预算单位 code.
    public var unit: String
    public var name: String
    public var value: BasisNumber
    public var memo: String
    public init(unit: String, name: String, value: BasisNumber, memo: String = "") {
        self.unit = unit; self.name = name; self.value = value; self.memo = memo
    }
}

/// 标准: a rate or quota of the county for the year (养老保险单位缴费比例 16%, 公用经费定额 8000),
/// the same for every unit unless a unit's parameter of the same name overrides it.
public struct Standard: Hashable, Sendable {
    public var name: String
    public var value: BasisNumber
    public var memo: String
    public init(name: String, value: BasisNumber, memo: String = "") {
        self.name = name; self.value = value; self.memo = memo
    }
}

/// 人员信息: one row of a unit's roster. One row may stand for `count` identical posts.
public struct StaffRow: Hashable, Sendable {
    /// 预算单位 code.
    public var unit: String
    public var name: String
    /// Free text: 在职, 退休, 遗属 …
    public var category: String
    /// How many people the row stands for (default 1).
    public var count: Int64
    /// Monthly amounts in 元 by field name (岗位工资, 薪级工资, 津贴补贴, 绩效工资, …).
    public var amounts: [String: Money]

    public init(unit: String, name: String, category: String, count: Int64 = 1, amounts: [String: Money] = [:]) {
        self.unit = unit; self.name = name; self.category = category; self.count = count; self.amounts = amounts
    }
}
