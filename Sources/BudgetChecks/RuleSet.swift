import BudgetCore
import BudgetTables
import Foundation

/// A set of reconciliation rules (勾稽关系) for one table set, read from the rule file the set's
/// set.json names (`Templates/tables/<set>/rules.json`): rules differ by province and year, and they
/// address the set's own tables, rows and columns, so they are data that travels with the set.
public struct RuleSet: Sendable {
    public var id: String
    public var title: String
    /// The table set the rules are written for (the rule file's `tables`); nil: not stated.
    public var tables: String?
    public var rules: [Rule]

    public init(id: String, title: String, tables: String? = nil, rules: [Rule]) {
        self.id = id; self.title = title; self.tables = tables; self.rules = rules
    }
}

/// One rule: an id, a message in Chinese, a severity and what it checks.
public struct Rule: Sendable {
    public var id: String
    public var message: String
    public var severity: Severity
    public var check: Check

    public init(id: String, message: String, severity: Severity, check: Check) {
        self.id = id; self.message = message; self.severity = severity; self.check = check
    }
}

/// How two sums of figures must relate.
public enum Relation: String, Sendable {
    case equal = "equal"
    case atMost = "at-most"
    case atLeast = "at-least"

    func holds(_ left: Money, _ right: Money) -> Bool {
        switch self {
        case .equal: return left == right
        case .atMost: return left <= right
        case .atLeast: return left >= right
        }
    }

    var symbol: String { self == .equal ? "=" : self == .atMost ? "≤" : "≥" }
}

/// A condition on the budget that picks the relation of a comparison.
public enum Condition: String, Sendable {
    /// Every unit of the unit table is 行政 or 参公 (table 11's rule).
    case allUnitsOrgan = "all-units-organ"

    func holds(_ b: Budget) -> Bool {
        switch self {
        case .allUnitsOrgan: return b.units.allSatisfy { $0.type.isOrgan }
        }
    }
}

/// What a rule checks.
public enum Check: Sendable {
    /// Σ left (relation) Σ right, for each value of `each` when given (`{var}` in the figures).
    case compare(Comparison)
    /// Within one printed table: rows foot across, trees and row groups foot down.
    case footing(Footing)
    /// A rule on the line items themselves.
    case data(DataCheck, codes: [String])
    /// The sum of the figures must not rise over the prior year (needs `--prior`).
    case priorRise([Figure])
}

public struct Comparison: Sendable {
    public var left: [FigureTemplate]
    public var right: [FigureTemplate]
    public var relation: Relation
    /// When given, `relation` applies when the condition holds and `otherwise` when it does not.
    public var condition: Condition?
    public var otherwise: Relation?
    public var each: Each?
}

/// The values a comparison is repeated over.
public enum Each: Sendable {
    /// Listed bindings: each value sets one or more variables.
    case values([[String: String]])
    /// Rows of a built table whose key starts with `prefix` and whose code has `length` characters.
    case tableRows(variable: String, table: String, prefix: String, length: Int?)
    /// Function codes the line items reach (of one length, or every level).
    case functionCodes(variable: String, length: Int?)
}

/// A figure whose strings may hold a `{var}` placeholder, resolved per value of `each`.
public struct FigureTemplate: Sendable {
    var raw: [String: JSONValue]
    var figureIfConstant: Figure?
}

/// Footing within one table.
public struct Footing: Sendable {
    public var table: String
    /// Across: for every row, the total column equals the sum of the part columns.
    public var across: [(total: String, parts: [String])]
    /// Down, as a tree: rows keyed `<prefix><code>` foot to their parent code; the total row to the top level.
    public var tree: Tree?
    /// Down, as named row groups: a total row equals the sum of its part rows, in the listed
    /// columns (nil: every amount column).
    public var groups: [(total: String, parts: [String], columns: [String]?)]

    public init(table: String, across: [(total: String, parts: [String])] = [], tree: Tree? = nil,
                groups: [(total: String, parts: [String], columns: [String]?)] = []) {
        self.table = table; self.across = across; self.tree = tree; self.groups = groups
    }

    public struct Tree: Sendable {
        public init(prefix: String, levels: [Int], childPrefix: String? = nil, totalRow: String?, columns: [String]? = nil) {
            self.prefix = prefix; self.levels = levels; self.childPrefix = childPrefix; self.totalRow = totalRow; self.columns = columns
        }

        public var prefix: String
        /// Code lengths, top first; empty when the rows are flat (units): then every row foots to the total row.
        public var levels: [Int]
        /// Rows keyed `<childPrefix><code>/…` are the children of the last level (`pair:30101/50101`
        /// under `economic:301`, `project:080001/P01` under `unit:080001`).
        public var childPrefix: String?
        public var totalRow: String?
        /// The columns that foot down; nil for every amount column.
        public var columns: [String]?
    }
}

/// The data rules of docs/domain.md.
public enum DataCheck: String, Sendable, CaseIterable {
    /// Codes exist and are leaves (function 项, economic 款, government economic 款, revenue code), units exist.
    case codes = "codes-exist-and-are-leaves"
    /// A project line names a project of its own unit.
    case projectOfOwnUnit = "project-of-own-unit"
    /// A basic line names no project.
    case basicLineNoProject = "basic-line-no-project"
    /// Amounts are ≥ 0 with at most two decimals.
    case amounts = "amounts"
    /// Personnel economic codes (301, 303) on project lines: for review.
    case personnelOnProject = "personnel-on-project"
    /// "三公" economic codes anywhere: for review.
    case threePublicCodes = "three-public-codes"
    /// A basis (测算依据) reads `人数(类别)` or `工资(字段, 类别)` of a category nobody of the line's
    /// unit is in: the figure is 0, most likely a misspelt category.
    case basisEmptyCategory = "basis-empty-category"
    /// A standard (标准) that no line's basis uses.
    case basisUnusedStandard = "basis-unused-standard"
    /// 人员经费 lines (basic lines of the `codes` economic 类, 301 and 303) typed without a basis.
    case personnelWithoutBasis = "personnel-without-basis"
    /// A unit whose roster has people but no basic line of the `codes` economic 款 (30101 基本工资).
    case rosterWithoutWages = "roster-without-wages"

    /// The checks that need `codes` in the rule file.
    public var needsCodes: Bool { [.personnelOnProject, .threePublicCodes, .personnelWithoutBasis, .rosterWithoutWages].contains(self) }
}

/// A rule file that cannot be used: every reason, with the file.
public struct RuleFileError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var reasons: [String]
    public var description: String {
        "规则文件 \(file) 无法使用：\n" + reasons.map { "  " + $0 }.joined(separator: "\n")
    }
}
