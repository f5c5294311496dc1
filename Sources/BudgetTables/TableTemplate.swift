import BudgetCore
import Foundation

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
    /// Printed under the frame when the table has no figures; `{year}` and `{department}` are replaced.
    public var emptyNote: String?
    /// What the table shows, in words the narrative and the comparison cite it by (`three-public`); nil: none of those.
    public var role: Role?

    /// The quantities the narrative (情况说明) and the comparison cite a table for.
    public enum Role: String, Sendable, CaseIterable {
        case incomeExpenditure = "income-expenditure"   // 收支总表
        case income                                      // 收入总表
        case expenditure                                 // 支出总表
        case fiscal                                      // 财政拨款收支总表
        case generalPublic = "general-public"            // 一般公共预算支出表
        case basicEconomic = "basic-economic"            // 一般公共预算基本支出（经济分类）表
        case threePublic = "three-public"                // “三公”经费表
        case organOperation = "organ-operation"          // 机关运行经费表
    }

    /// All columns, left side first.
    public var columns: [Column] { sides.flatMap(\.columns) }

    public struct Side: Sendable {
        public var columns: [Column]
        /// The body: one or more row sources, printed one after another.
        public var body: [RowSource]
        public var footer: [FixedRow]
    }

    public struct Column: Sendable {
        public var key: String
        public var kind: DisclosureTable.Column.Kind
        /// What a text column shows on rows that come from a tree, units or projects.
        public var field: Field?
        /// What an amount column sums (already intersected with the table's filter).
        public var measure: Measure?
        /// The nodes an amount column selects (`economic:30212`): its cells sum these on rows of the
        /// whole department, so one row can carry several items as columns (the "三公" table). nil: the row's.
        public var nodes: [NodeRef]?
        /// The smallest width in Excel character units; the exporter widens it to fit the text.
        public var width: Double
    }

    /// The text a generated row offers to its text columns.
    public enum Field: String, Sendable, CaseIterable {
        /// 科目编码 (function, economic, revenue), 单位编码, 项目编码.
        case code
        /// 科目名称, 单位名称, 项目名称, or the department economic name in table 6.
        case name
        /// 政府预算支出经济科目名称 (the Shanxi table 6).
        case governmentName
    }

    /// Where a side's body rows come from.
    public enum RowSource: Sendable {
        /// Rows written out in the template.
        case fixed([FixedRow])
        /// 合计, then every function 类/款/项 of `levels` with a figure in this side, by code.
        case functionTree(total: [String: String]?, levels: [Int])
        /// The listed function 类 as fixed rows numbered by `numbering` (`{n}、` → 一、二、…), printed even when empty.
        case functionClasses([String], numbering: String)
        /// 合计, then each department economic 类 followed by its (部门 款, 政府 款) pairs (the Shanxi table 6).
        case economicPairs(total: [String: String]?)
        /// 合计, then each department economic 类 with a figure followed by its 款 with a figure, each
        /// 款 once whatever government 款 it maps to, names from the code book (the ministry's table 6).
        case economicTree(total: [String: String]?, levels: [Int])
        /// 合计, then the revenue tree (收入分类 类/款/项) of the revenue lines in the column's sources.
        case revenueTree(total: [String: String]?)
        /// 合计 over the listed units, then each unit with a figure; `organOnly` keeps 行政/参公 units.
        case units(organOnly: Bool, total: [String: String]?)
        /// The department, then each unit with a figure followed by its projects with a figure (by code).
        case unitProjects

        /// The row key prefixes the source generates (`function:`), and the fixed keys it prints.
        public var keyPrefixes: [String] {
            switch self {
            case .fixed: return []
            case .functionTree, .functionClasses: return ["function:"]
            case .economicPairs: return ["economic:", "pair:"]
            case .economicTree: return ["economic:"]
            case .revenueTree: return ["revenue:"]
            case .units: return ["unit:"]
            case .unitProjects: return ["unit:", "project:"]
            }
        }

        /// Whether the source begins with a 合计 row keyed `合计`.
        public var hasTotalRow: Bool {
            switch self {
            case .fixed, .functionClasses: return false
            default: return true
            }
        }
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
        /// How it prints; nil: a 合计/总计 row is bold, others plain.
        public var style: DisclosureTable.Row.Style?
    }

    /// Every row key a built table can have: the fixed rows' keys, `合计` where a source prints one,
    /// and the prefixes of generated keys (`function:`); the rules are checked against them.
    public var rowKeys: (fixed: Set<String>, prefixes: Set<String>) {
        var fixed: Set<String> = [], prefixes: Set<String> = []
        for side in sides {
            let cols = side.columns
            func key(_ r: FixedRow) -> String? { r.key ?? cols.lazy.compactMap { r.text[$0.key] }.first }
            for source in side.body {
                prefixes.formUnion(source.keyPrefixes)
                if source.hasTotalRow { fixed.insert("合计") }
                if case .fixed(let rows) = source { fixed.formUnion(rows.compactMap(key)) }
            }
            fixed.formUnion(side.footer.compactMap(key))
        }
        return (fixed, prefixes)
    }
}

/// A set of table templates (one province's disclosure tables), in print order, with the rule file
/// written for it: a set and its rules travel together (Templates/tables/<id>/set.json).
public struct TableTemplateSet: Sendable {
    /// `shanxi-2025`: the name the set is chosen by (`--tables shanxi-2025`, workbook.json `tables`).
    public var id: String
    /// 山西省部门预算公开表（2025，13 张）
    public var title: String
    /// The named measures columns refer to.
    public var measures: [String: Measure]
    public var tables: [TableTemplate]
    /// The set's reconciliation rules (set.json `rules`, relative to the set's folder); nil: none.
    public var rulesFile: URL?

    public init(id: String, title: String, measures: [String: Measure], tables: [TableTemplate], rulesFile: URL? = nil) {
        self.id = id; self.title = title; self.measures = measures; self.tables = tables; self.rulesFile = rulesFile
    }

    /// The set's title (the name it had before sets had ids).
    public var name: String { title }

    public func table(_ key: String) -> TableTemplate? { tables.first { $0.key == key } }

    /// How the narrative cites the table of each role: the first word of its sheet name (`表7`).
    public var citations: [String: String] {
        var out: [String: String] = [:]
        for t in tables {
            if let r = t.role, out[r.rawValue] == nil { out[r.rawValue] = String(t.sheet.split(separator: " ").first ?? Substring(t.sheet)) }
        }
        return out
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
