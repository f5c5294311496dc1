import BudgetCore

/// One disclosure table's layout, read from a template file (Templates/tables/<set>/NN-*.json).
///
/// The exporter and the builder interpret it; nothing about a particular province's tables lives
/// in code. A table has one or two *sides* (tables 1, 4 and 9 print income beside expenditure):
/// each side has its columns, a body (a row source) and footer rows; the sides share grid rows.
public struct TableTemplate: Sendable {
    /// The file it was read from, for messages.
    public var file: String
    /// `T1` … `T13`: the id rules and the checks address the table by.
    public var key: String
    /// 预算公开表1
    public var label: String
    /// `{year}年预算收支总表`; `{year}` and `{department}` are replaced.
    public var title: String
    /// `表1 预算收支总表`: the sheet name (≤ 31 characters, Excel's limit).
    public var sheet: String
    public var landscape: Bool
    /// Intersected with every amount column's measure (e.g. 一般公共预算, 当年 for table 5).
    public var filter: Measure
    /// The header rows as printed, one string per column ("" under a merge); `{year}` is replaced.
    public var header: [[String]]
    /// Merged header cells, rows relative to the first header row.
    public var merges: [DisclosureTable.CellRange]
    public var sides: [Side]
    /// Printed under the frame when the table has no figures.
    public var emptyNote: String?

    /// All columns, left side first.
    public var columns: [Column] { sides.flatMap(\.columns) }

    public struct Side: Sendable {
        public var columns: [Column]
        public var body: RowSource
        public var footer: [FixedRow]
    }

    public struct Column: Sendable {
        public var key: String
        public var kind: DisclosureTable.Column.Kind
        /// What a text column shows on rows that come from a tree, units or projects.
        public var field: Field?
        /// What an amount column sums (already intersected with the table's filter).
        public var measure: Measure?
        /// The smallest width in Excel character units; the exporter widens it to fit the text.
        public var width: Double
    }

    /// The text a generated row offers to its text columns.
    public enum Field: String, Sendable, CaseIterable {
        /// 科目编码 (function, revenue).
        case code
        /// 科目名称, 单位名称, 项目名称, or the department economic name in table 6.
        case name
        /// 政府预算支出经济科目名称 (table 6).
        case governmentName
    }

    /// Where a side's body rows come from.
    public enum RowSource: Sendable {
        /// No body rows (only the footer).
        case none
        /// Rows written out in the template.
        case fixed([FixedRow])
        /// 合计, then every function 类/款/项 with a figure in this side, by code.
        case functionTree(total: [String: String]?)
        /// The listed function 类 as fixed rows numbered 一、二、… (printed even when empty).
        case functionClasses([String])
        /// 合计, then each department economic 类 followed by its (部门 款, 政府 款) pairs (table 6).
        case economicPairs(total: [String: String]?)
        /// 合计, then the revenue tree (收入分类 类/款/项) of the revenue lines in the column's sources.
        case revenueTree(total: [String: String]?)
        /// 合计 over the listed units, then each unit with a figure; `organOnly` keeps 行政/参公 units.
        case units(organOnly: Bool, total: [String: String]?)
        /// The department, then each unit with a figure followed by its projects with a figure (by code).
        case unitProjects
    }

    /// A row written out in a template: its texts by column key, and what its amounts sum.
    public struct FixedRow: Sendable {
        /// The row's address for the checks; defaults to its first text.
        public var key: String?
        public var text: [String: String]
        /// The nodes summed; empty for a row of text only (年终结转) or a spacer.
        public var nodes: [NodeRef]
        /// Intersected with each column's measure; nil for the column's measure alone.
        public var measure: Measure?
    }

    /// A roll-up node as a template names it: `department`, `function:208`, `economic:30212`,
    /// `unit:080001`, `units:organ` (the 行政/参公 units), `units:all`.
    public enum NodeRef: Sendable, Hashable {
        case department
        case function(String)
        case economic(String)
        case unit(String)
        case organUnits
        case allUnits

        public init?(_ text: String) {
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            switch (parts.first ?? "", parts.count == 2 ? parts[1] : nil) {
            case ("department", nil): self = .department
            case ("function", let c?) where CodeSet.function.isWellFormed(c): self = .function(c)
            case ("economic", let c?) where CodeSet.economic.isWellFormed(c): self = .economic(c)
            case ("unit", let c?) where !c.isEmpty: self = .unit(c)
            case ("units", "organ"): self = .organUnits
            case ("units", "all"): self = .allUnits
            default: return nil
            }
        }
    }
}

/// A set of table templates (one province's disclosure tables), in print order.
public struct TableTemplateSet: Sendable {
    /// 山西省 2025 部门预算公开表
    public var name: String
    /// The named measures columns refer to.
    public var measures: [String: Measure]
    public var tables: [TableTemplate]

    public init(name: String, measures: [String: Measure], tables: [TableTemplate]) {
        self.name = name; self.measures = measures; self.tables = tables
    }
}

/// Why a template set was refused: every problem found, each naming its file.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    public struct Problem: Sendable, Hashable {
        public var file: String
        public var message: String
    }
    public var problems: [Problem]

    public init(_ problems: [Problem]) { self.problems = problems }
    public init(file: String, _ message: String) { problems = [Problem(file: file, message: message)] }

    public var description: String {
        "表格模板有 \(problems.count) 处错误，未使用：\n" + problems.map { "  \($0.file)：\($0.message)" }.joined(separator: "\n")
    }
}
