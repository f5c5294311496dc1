import BudgetCore
import BudgetTables
import Foundation

/// The export as one operation: data problems listed, tables computed from a template set,
/// the workbook (and optionally one file a table) written.
public enum DisclosureExport {
    /// The template set used when none is given (TableSetCatalog's default).
    public static let defaultTemplateSet = TableSetCatalog.defaultName

    /// What an export did.
    public struct Report: Sendable {
        public var tables: [DisclosureTable]
        /// Data rules the budget breaks (a draft still exports unless `strict`).
        public var problems: [Problem]
        public var problemsTruncated: Bool
        public var files: [URL]
        /// Computing the tables, and writing the files.
        public var buildSeconds: Double
        public var writeSeconds: Double
    }

    /// Why an export refused to write.
    public struct StrictRefusal: Error, Sendable, CustomStringConvertible {
        public var problems: [Problem]
        public var truncated: Bool
        public var description: String {
            "数据有 \(problems.count)\(truncated ? "+" : "") 个错误，--strict 下不导出（未生成文件）：\n"
                + problems.map { "  \($0)" }.joined(separator: "\n")
        }
    }

    /// Checks the data, builds the tables and writes `out` (and `split/<表名>.xlsx` for each table).
    /// With `strict`, a budget that breaks a data rule is refused before anything is written.
    /// `lines` is where the line rules read lines (a workspace's kept subtotals and the lines they
    /// name); without it, `budget.items`, numbered by position.
    public static func run(budget: Budget, rollup: Rollup? = nil, lines: (any LineSource)? = nil, templates: TableTemplateSet,
                           out: URL, split: URL? = nil, strict: Bool = false, options: TableExporter.Options = .init(),
                           adjust: ([DisclosureTable]) -> [DisclosureTable] = { $0 })
        throws -> Report {
        let collector = LineItemValidator.validate(budget, lines: lines)
        let problems = collector.problems
        if strict && problems.contains(where: { $0.severity == .error }) {
            throw StrictRefusal(problems: problems, truncated: collector.truncated)
        }
        let clock = ContinuousClock()
        var t = clock.now
        // `adjust` is where an option such as 舍位平衡 changes printed cells before they are written.
        let tables = adjust(TableBuilder(budget: budget, rollup: rollup ?? Rollup(budget: budget)).build(templates))
        let build = clock.now - t
        t = clock.now
        try TableExporter.write(tables, to: out, options: options)
        var files = [out]
        if let split { files += try TableExporter.writeSplit(tables, to: split, options: options) }
        let write = clock.now - t
        return Report(tables: tables, problems: problems, problemsTruncated: collector.truncated, files: files,
                      buildSeconds: inSeconds(build), writeSeconds: inSeconds(write))
    }
}

/// A duration in seconds.
func inSeconds(_ d: Duration) -> Double {
    let (s, a) = d.components
    return Double(s) + Double(a) / 1e18
}
