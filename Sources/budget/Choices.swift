import ArgumentParser
import BudgetCore

/// An enumeration given as an option: by its Chinese name, as the tables and the workbook folder
/// write it (`--source 一般公共预算`), or by an alias (`--source general-public`). The help lists
/// each name with its aliases (`optionHelp`), and ArgumentParser repeats that help line when it
/// refuses a wrong value: never the internal numbers 0–4 the enumerations are stored as.
protocol NamedChoice: CaseIterable, ExpressibleByArgument {
    /// The name shown first: the Chinese name where the budget has one.
    var choiceName: String { get }
    /// The other spellings accepted, as the help lists them; each one parses back to this case (tested).
    var choiceAliases: [String] { get }
    /// Parses a name or an alias.
    static func choice(_ text: String) -> Self?
}

extension NamedChoice {
    /// Every name and alias, for shell completion.
    static var allSpellings: [String] { allCases.flatMap { [$0.choiceName] + $0.choiceAliases } }
    /// `资金来源：一般公共预算（general-public、general）、政府性基金预算（government-fund、fund）…`: an
    /// option's help with every name and its aliases. ArgumentParser's own lists are left empty: its
    /// "values:" would repeat the names, and its table of values aligns by characters, which breaks
    /// with Chinese names two columns wide.
    static func optionHelp(_ what: String) -> ArgumentHelp {
        ArgumentHelp(what + "：" + allCases.map { c in
            c.choiceAliases.isEmpty ? c.choiceName : "\(c.choiceName)（\(c.choiceAliases.joined(separator: "、"))）"
        }.joined(separator: "、"))
    }
    /// Parses by name or alias when the type has no parser of its own.
    static func matching(_ text: String) -> Self? {
        let t = text.trimmingSpaces
        return allCases.first { $0.choiceName == t || $0.choiceAliases.contains(t) }
    }
}

// Each conformance states ArgumentParser's members itself: the library's defaults for an Int-backed
// CaseIterable enumeration would list and accept the raw numbers.

extension Source: NamedChoice {
    var choiceName: String { name }
    var choiceAliases: [String] {
        switch self {
        case .generalPublic: return ["general-public", "general"]
        case .governmentFund: return ["government-fund", "fund"]
        case .stateCapital: return ["state-capital"]
        case .specialAccount: return ["special-account"]
        case .unitFunds: return ["unit-funds"]
        }
    }
    /// BudgetCore's parser: the command line accepts what the workbook folder accepts.
    static func choice(_ text: String) -> Source? { Source(name: text) }
    public init?(argument: String) { guard let c = Self.choice(argument) else { return nil }; self = c }
    public static var allValueStrings: [String] { [] }
    public static var allValueDescriptions: [String: String] { [:] }
    public static var defaultCompletionKind: CompletionKind { .list(allSpellings) }
    public var defaultValueDescription: String { choiceName }
}

extension Carryover: NamedChoice {
    var choiceName: String { name }
    var choiceAliases: [String] { self == .currentYear ? ["current", "本年"] : ["carryover", "结转"] }
    static func choice(_ text: String) -> Carryover? { Carryover(name: text) }
    public init?(argument: String) { guard let c = Self.choice(argument) else { return nil }; self = c }
    public static var allValueStrings: [String] { [] }
    public static var allValueDescriptions: [String: String] { [:] }
    public static var defaultCompletionKind: CompletionKind { .list(allSpellings) }
    public var defaultValueDescription: String { choiceName }
}

extension ExpenditureKind: NamedChoice {
    var choiceName: String { name }
    var choiceAliases: [String] { self == .basic ? ["basic", "基本"] : ["project", "项目"] }
    static func choice(_ text: String) -> ExpenditureKind? { ExpenditureKind(name: text) }
    public init?(argument: String) { guard let c = Self.choice(argument) else { return nil }; self = c }
    public static var allValueStrings: [String] { [] }
    public static var allValueDescriptions: [String: String] { [:] }
    public static var defaultCompletionKind: CompletionKind { .list(allSpellings) }
    public var defaultValueDescription: String { choiceName }
}

extension CodeSet: NamedChoice {
    var choiceName: String { rawValue }
    var choiceAliases: [String] {
        switch self {
        case .function: return ["功能分类", "支出功能分类"]
        case .economic: return ["经济分类", "部门预算支出经济分类"]
        case .governmentEconomic: return ["政府经济分类", "政府预算支出经济分类"]
        case .revenue: return ["收入分类"]
        }
    }
    static func choice(_ text: String) -> CodeSet? { matching(text) }
    public init?(argument: String) { guard let c = Self.choice(argument) else { return nil }; self = c }
    public static var allValueStrings: [String] { [] }
    public static var allValueDescriptions: [String: String] { [:] }
    public static var defaultCompletionKind: CompletionKind { .list(allSpellings) }
    public var defaultValueDescription: String { choiceName }
}

extension TreeView.Tree: NamedChoice {
    var choiceName: String { rawValue }
    var choiceAliases: [String] { self == .function ? ["功能分类", "功能"] : ["经济分类", "经济"] }
    static func choice(_ text: String) -> TreeView.Tree? { matching(text) }
    public init?(argument: String) { guard let c = Self.choice(argument) else { return nil }; self = c }
    public static var allValueStrings: [String] { [] }
    public static var allValueDescriptions: [String: String] { [:] }
    public static var defaultCompletionKind: CompletionKind { .list(allSpellings) }
    public var defaultValueDescription: String { choiceName }
}

extension TreeView.Columns: NamedChoice {
    var choiceName: String { rawValue }
    var choiceAliases: [String] {
        switch self {
        case .kinds: return ["支出类型"]
        case .sources: return ["资金来源"]
        case .years: return ["年度"]
        }
    }
    static func choice(_ text: String) -> TreeView.Columns? { matching(text) }
    public init?(argument: String) { guard let c = Self.choice(argument) else { return nil }; self = c }
    public static var allValueStrings: [String] { [] }
    public static var allValueDescriptions: [String: String] { [:] }
    public static var defaultCompletionKind: CompletionKind { .list(allSpellings) }
    public var defaultValueDescription: String { choiceName }
}

/// A unit code the budget does not have: the error names it and lists the units there are.
func unknownUnit(_ code: String, in units: [BudgetUnit]) -> ValidationError {
    let listed = units.sorted { $0.code < $1.code }.prefix(20).map { "\($0.code) \($0.name)" }
    let more = units.count > listed.count ? "等 \(units.count) 个" : ""
    return ValidationError(units.isEmpty ? "没有编码为 `\(code)` 的单位：工作区中还没有单位"
                                         : "没有编码为 `\(code)` 的单位。工作区中的单位：\(listed.joined(separator: "、"))\(more)")
}
