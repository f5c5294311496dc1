import BudgetChecks
import BudgetCore

/// The unit the page shows and types amounts in. The server formats every figure the page shows
/// (the page keeps no copy of the rounding rule) and parses every amount it is sent.
enum MoneyUnit: String, Sendable, CaseIterable {
    case yuan, wan

    /// From the `money` query parameter or intent field; 元 when absent.
    init(_ text: String?) throws(APIError) {
        guard let t = text, !t.isEmpty else { self = .yuan; return }
        guard let u = MoneyUnit(rawValue: t) else { throw APIError(.badRequest, "金额单位 `\(t)` 不对，应为 yuan（元）或 wan（万元）") }
        self = u
    }

    var title: String { self == .yuan ? "元" : "万元" }

    /// The figure as printed, in hundredths of the unit: 分 for 元; 万元 rounded half up once.
    func printed(_ fen: Int64) -> Int64 { self == .yuan ? fen : Money(fen: fen).wanHundredths }

    /// `1,045,000.50` or `104.50`; empty for a printed zero when `blankZero` (the tables print zero as blank).
    func text(_ fen: Int64, blankZero: Bool = false) -> String {
        let p = printed(fen)
        if blankZero && p == 0 { return "" }
        return Money.hundredthsText(p, grouped: true)
    }

    /// The exact amount as a clerk edits it, without separators: `1045000.50` or `104.50005`.
    func inputText(_ fen: Int64) -> String {
        switch self {
        case .yuan: return Money(fen: fen).yuanText
        case .wan:
            let whole = fen / 1_000_000, rest = fen % 1_000_000
            if rest == 0 { return String(whole) }
            var f = String(rest)
            f = String(repeating: "0", count: 6 - f.count) + f
            while f.hasSuffix("0") { f.removeLast() }
            return "\(whole).\(f)"
        }
    }

    /// What a clerk typed in this unit, through the one amount parser (Money.parseYuan / parseWan).
    func parse(_ text: String) throws(AmountError) -> Money {
        switch self {
        case .yuan: return try Money.parseYuan(text.trimmingSpaces)
        case .wan: return try Money.parseWan(text.trimmingSpaces)
        }
    }
}

/// 增减额 and 增减率 as the page prints them: `PriorChange` (the one rule, in BudgetChecks) on the
/// printed 本年 and 上年 figures of the page's unit.
enum PrintedChange {
    /// (增减额 text, 增减率 text); the rate is blank when the printed prior year is zero.
    static func of(current: Int64, prior: Int64, in unit: MoneyUnit) -> (amount: String, rate: String) {
        let change = PriorChange(printedPrior: unit.printed(prior), printedCurrent: unit.printed(current))
        let amount = change.change == 0 ? "" : Money.hundredthsText(change.change, grouped: true)
        guard let r = change.rate else { return (amount, "") }
        return (amount, Percent.text(r) + "%")
    }
}
