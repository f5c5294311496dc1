/// Where a problem was found: a file or sheet, a line (row) and a column; or a line item.
public struct Location: Hashable, Sendable, Codable, CustomStringConvertible {
    public var file: String?
    public var line: Int?
    public var column: String?
    /// A workspace line item id, when the problem is about a stored item.
    public var item: Int64?

    public init(file: String? = nil, line: Int? = nil, column: String? = nil, item: Int64? = nil) {
        self.file = file; self.line = line; self.column = column; self.item = item
    }

    public var description: String {
        var parts: [String] = []
        if let f = file { parts.append(f) }
        if let l = line { parts.append("第 \(l) 行") }
        if let c = column { parts.append("列 \(c)") }
        if let i = item { parts.append("明细 #\(i)") }
        return parts.joined(separator: " ")
    }
}

/// How serious a finding is.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case error, warning, info
    public var chineseName: String {
        switch self { case .error: return "错误"; case .warning: return "警告"; case .info: return "提示" }
    }
    private var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// The id of the rule a problem breaks: a typed value, so that renaming a rule is a compile error
/// where it is selected (BudgetChecks' data rules pick the validator's problems by id) instead of
/// a check that silently stops matching. The raw value is the stable text shown and written in JSON.
public enum RuleID: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    // The file or sheet as a whole.
    case workbookJSON = "workbook-json"
    case emptyFile = "empty-file"
    case csvSyntax = "csv-syntax"
    case encoding = "encoding"
    case fieldCount = "field-count"
    case missingHeader = "missing-header"
    case unknownColumn = "unknown-column"
    case duplicateColumn = "duplicate-column"
    case missingColumn = "missing-column"
    case amountUnit = "amount-unit"
    // One field.
    case emptyValue = "empty-value"
    case controlCharacter = "control-character"
    case textTooLong = "text-too-long"
    case amount = "amount"
    case source = "source"
    case carryover = "carryover"
    case kind = "kind"
    case unitType = "unit-type"
    case projectCategory = "project-category"
    case codeSet = "code-set"
    case malformedCode = "malformed-code"
    case mangledCode = "mangled-code"
    case cellError = "cell-error"
    case formulaWithoutValue = "formula-without-value"
    case dateCell = "date-cell"
    case dateAsAmount = "date-as-amount"
    case boolCell = "bool-cell"
    case cell = "cell"
    // Rows and tables.
    case duplicateUnit = "duplicate-unit"
    case duplicateProject = "duplicate-project"
    case duplicateCode = "duplicate-code"
    case budgetTotal = "budget-total"
    // Against the codes, units and projects (LineItemValidator).
    case unknownUnit = "unknown-unit"
    case malformedFunctionCode = "malformed-function-code"
    case malformedEconomicCode = "malformed-economic-code"
    case malformedGovernmentEconomicCode = "malformed-government-economic-code"
    case unknownFunctionCode = "unknown-function-code"
    case unknownEconomicCode = "unknown-economic-code"
    case unknownGovernmentEconomicCode = "unknown-government-economic-code"
    case nonLeafFunctionCode = "non-leaf-function-code"
    case nonLeafEconomicCode = "non-leaf-economic-code"
    case nonLeafGovernmentEconomicCode = "non-leaf-government-economic-code"
    case unmappedEconomicCode = "unmapped-economic-code"
    case basicLineWithProject = "basic-line-with-project"
    case projectOfOtherUnit = "project-of-other-unit"
    case projectLineWithoutProject = "project-line-without-project"
    case revenueSource = "revenue-source"
    case unknownRevenueCode = "unknown-revenue-code"
    // An import against the workspace.
    case unitDiffers = "unit-differs"
    case projectDiffers = "project-differs"
    case revenueDiffers = "revenue-differs"
    /// Roster rows of one (unit, category, name) that an import without `--replace` cannot pair with the workspace's.
    case staffAmbiguous = "staff-ambiguous"
    // A basis of calculation (测算依据) and what it reads: parameters, standards, the roster.
    case basisSyntax = "basis-syntax"
    case basisUnknownName = "basis-unknown-name"
    case basisUnknownFunction = "basis-unknown-function"
    case basisUnknownField = "basis-unknown-field"
    case basisUnknownEconomicCode = "basis-unknown-economic-code"
    case basisNegative = "basis-negative"
    case basisDivisionByZero = "basis-division-by-zero"
    case basisTooLarge = "basis-too-large"
    case basisLimit = "basis-limit"
    case basisCycle = "basis-cycle"
    case basisBadName = "basis-bad-name"
    case basisDuplicateLine = "basis-duplicate-line"
    case basisDuplicateParameter = "basis-duplicate-parameter"
    case basisDuplicateStaffRow = "basis-duplicate-staff-row"
    case basisDuplicateStandard = "basis-duplicate-standard"
    case basisIDs = "basis-ids"
    case basisNegativeValue = "basis-negative-value"
    case basisStaffAmount = "basis-staff-amount"
    case basisStaffCount = "basis-staff-count"
    /// A parameter's or standard's value that is not a number (`8000`, `0.16`, `16%`).
    case basisValue = "basis-value"
    /// A parameter or standard removed while lines still read it.
    case basisInUse = "basis-in-use"
    /// A stated amount that differs from the one its basis computes (a warning: the computed one is kept).
    case basisAmountDiffers = "basis-amount-differs"
    /// A pasted row with nothing in it (the workbench).
    case emptyRow = "empty-row"
    // The disclosure files (BudgetDisclosure): performance targets, procurement, assets, texts.
    case badAmount = "bad-amount"
    case badArea = "bad-area"
    case badCategory = "bad-category"
    case badCount = "bad-count"
    case badEconomic = "bad-economic"
    case badKind = "bad-kind"
    case badSide = "bad-side"
    case duplicateItem = "duplicate-item"
    case duplicateReason = "duplicate-reason"
    case duplicateSheet = "duplicate-sheet"
    case duplicateTerm = "duplicate-term"
    case emptyHeading = "empty-heading"
    case fileTooLarge = "file-too-large"
    case indicatorGroupSplit = "indicator-group-split"
    case indicatorsWithoutTargets = "indicators-without-targets"
    case missingItem = "missing-item"
    case missingValue = "missing-value"
    case notAFolder = "not-a-folder"
    case notUtf8 = "not-utf8"
    case performanceCostAboveAmount = "performance.cost-above-amount"
    case performanceFundsLevels = "performance.funds-levels"
    case performanceIndicatorWithoutValue = "performance.indicator-without-value"
    case performanceProjectWithoutTargets = "performance.project-without-targets"
    case performanceUnknownProject = "performance.unknown-project"
    case performanceYearFunds = "performance.year-funds"
    case procurementAboveLines = "procurement.above-lines"
    case procurementUnknownProject = "procurement.unknown-project"
    case procurementUnknownUnit = "procurement.unknown-unit"
    case reasonOneLine = "reason-one-line"
    case textBeforeHeading = "text-before-heading"
    case tooManyIndicators = "too-many-indicators"
    case tooManySheets = "too-many-sheets"
    case unexpectedHeading = "unexpected-heading"
    case unknownItem = "unknown-item"
    case unknownReason = "unknown-reason"
    case unknownSection = "unknown-section"
    case unknownSheet = "unknown-sheet"
    case unreadableFile = "unreadable-file"
    case valueWithoutIndicator = "value-without-indicator"

    public var description: String { rawValue }
}

/// A problem in the data, as a value with its origin (IronCalc's model): shown to the user,
/// never a crash. I/O failures are thrown errors instead.
public struct Problem: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The rule broken, e.g. `.unknownFunctionCode` (`unknown-function-code`).
    public var rule: RuleID
    public var severity: Severity
    public var location: Location
    /// The offending value as written.
    public var value: String?
    /// What is wrong, for a clerk, in Chinese.
    public var message: String

    public init(rule: RuleID, severity: Severity = .error, location: Location, value: String? = nil, message: String) {
        self.rule = rule; self.severity = severity; self.location = location; self.value = value; self.message = message
    }

    public var description: String {
        let at = location.description
        return (at.isEmpty ? "" : at + "：") + message
    }
}

/// A list of problems that stops an operation; the operation changed nothing.
public struct ProblemsError: Error, Sendable, CustomStringConvertible {
    public var problems: [Problem]
    /// True when more problems existed than were collected.
    public var truncated: Bool
    public init(_ problems: [Problem], truncated: Bool = false) { self.problems = problems; self.truncated = truncated }

    public var description: String {
        var lines = problems.map { "  " + $0.description }
        if truncated { lines.append("  ……（只列出前 \(problems.count) 个问题）") }
        return "发现 \(problems.count)\(truncated ? "+" : "") 个问题，未做任何更改：\n" + lines.joined(separator: "\n")
    }
}

/// Collects problems up to a limit, so a clerk sees all of them at once.
///
/// A reader stops at `isFull`, so what it read may be partial: a collector that left anything out
/// (`truncated`) refuses in `throwIfErrors` even when no listed problem is an error, and an error
/// that was left out still counts. So a truncated list can never let a partial read be written.
public struct ProblemCollector: Sendable {
    public private(set) var problems: [Problem] = []
    public private(set) var truncated = false
    /// Errors added, listed or left out.
    public private(set) var errorCount = 0
    /// At most this many problems are listed; at least 1 (0 would stop every reader at once).
    public let limit: Int

    public init(limit: Int = 200) { self.limit = max(1, limit) }

    public var isFull: Bool { problems.count >= limit }
    public var hasErrors: Bool { errorCount > 0 }

    public mutating func add(_ p: Problem) {
        if p.severity == .error { errorCount += 1 }
        if problems.count < limit { problems.append(p) } else { truncated = true }
    }

    /// Says that more problems were left out (a caller that stopped early at the limit).
    public mutating func markTruncated() { truncated = true }

    /// Throws the collected errors, if any, or when anything was left out.
    public func throwIfErrors() throws(ProblemsError) {
        if hasErrors || truncated { throw ProblemsError(problems.filter { $0.severity == .error }, truncated: truncated) }
    }
}
