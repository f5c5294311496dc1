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

/// A problem in the data, as a value with its origin (IronCalc's model): shown to the user,
/// never a crash. I/O failures are thrown errors instead.
public struct Problem: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A stable rule id, e.g. `unknown-function-code`.
    public var rule: String
    public var severity: Severity
    public var location: Location
    /// The offending value as written.
    public var value: String?
    /// What is wrong, for a clerk, in Chinese.
    public var message: String

    public init(rule: String, severity: Severity = .error, location: Location, value: String? = nil, message: String) {
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
public struct ProblemCollector: Sendable {
    public private(set) var problems: [Problem] = []
    public private(set) var truncated = false
    public let limit: Int

    public init(limit: Int = 200) { self.limit = limit }

    public var isFull: Bool { problems.count >= limit }
    public var hasErrors: Bool { problems.contains { $0.severity == .error } }

    public mutating func add(_ p: Problem) {
        if problems.count < limit { problems.append(p) } else { truncated = true }
    }

    /// Says that more problems were left out (a caller that stopped early at the limit).
    public mutating func markTruncated() { truncated = true }

    /// Throws the collected errors, if any.
    public func throwIfErrors() throws(ProblemsError) {
        if hasErrors { throw ProblemsError(problems.filter { $0.severity == .error }, truncated: truncated) }
    }
}
