import BudgetCore

/// A computed disclosure table (部门预算公开表): what the exporter lays out and the checks read.
/// Built from a template (Templates/tables/<set>/) and the roll-up; holds exact amounts in 分,
/// rounded to 万元 only when printed.
public struct DisclosureTable: Sendable {
    /// The template's id, e.g. `T1` … `T13`; rules address tables by it.
    public var key: String
    /// 预算公开表1
    public var label: String
    /// 2025年预算收支总表
    public var title: String
    /// 表1 预算收支总表 (≤ 31 characters, Excel's limit)
    public var sheetName: String
    /// 部门名称：泽州县自然资源局
    public var department: String
    /// The header rows as printed: one string per grid cell ("" under a merge).
    public var header: [[String]]
    /// Merged ranges within the header (row indexes relative to the header's first row).
    public var headerMerges: [CellRange]
    public var columns: [Column]
    public var rows: [Row]
    /// The note printed when the table has no figures (`注：本表无数据`), nil otherwise.
    public var emptyNote: String?
    public var landscape: Bool

    public init(key: String, label: String, title: String, sheetName: String, department: String, header: [[String]],
                headerMerges: [CellRange], columns: [Column], rows: [Row], emptyNote: String?, landscape: Bool) {
        self.key = key; self.label = label; self.title = title; self.sheetName = sheetName; self.department = department
        self.header = header; self.headerMerges = headerMerges; self.columns = columns; self.rows = rows
        self.emptyNote = emptyNote; self.landscape = landscape
    }

    public struct Column: Sendable, Hashable {
        /// The column's key in the template, e.g. `total`, `basic`, `expense.general-public`.
        public var key: String
        public var kind: Kind
        /// Width in Excel character units.
        public var width: Double
        public enum Kind: String, Sendable, Hashable, Codable { case code, text, amount, ordinal }
        public init(key: String, kind: Kind, width: Double) { self.key = key; self.kind = kind; self.width = width }
    }

    public struct Row: Sendable {
        /// Addresses of this row, e.g. `合计`, `function:2080501`, `pair:30101/50101`, `unit:080001`;
        /// a two-sided row (tables 1, 4, 9) has one key per side.
        public var keys: [String]
        public var cells: [Cell]
        public var style: Style
        public enum Style: String, Sendable, Codable { case plain, total, level1, level2, level3 }
        public init(keys: [String], cells: [Cell], style: Style = .plain) { self.keys = keys; self.cells = cells; self.style = style }
    }

    public enum Cell: Sendable, Hashable {
        case blank
        case text(String)
        case amount(Money)

        public var money: Money? { if case .amount(let m) = self { return m } else { return nil } }
    }

    public struct CellRange: Sendable, Hashable, Codable {
        public var firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int
        public init(firstRow: Int, firstColumn: Int, lastRow: Int, lastColumn: Int) {
            self.firstRow = firstRow; self.firstColumn = firstColumn; self.lastRow = lastRow; self.lastColumn = lastColumn
        }
    }

    /// The amount at a row key and column key; nil when there is no such cell (zero is `.zero`).
    public func amount(row: String, column: String) -> Money? {
        guard let i = rows.firstIndex(where: { $0.keys.contains(row) }) else { return nil }
        return amount(rowAt: i, column: column)
    }

    /// The amount of a column in the row at `index` (zero for a blank cell; nil for an unknown column).
    public func amount(rowAt index: Int, column: String) -> Money? {
        guard let c = columns.firstIndex(where: { $0.key == column }), rows.indices.contains(index),
              c < rows[index].cells.count else { return nil }
        if case .amount(let m) = rows[index].cells[c] { return m }
        return .zero
    }

    /// True when no cell holds a non-zero amount.
    public var hasNoFigures: Bool {
        !rows.contains { $0.cells.contains { if case .amount(let m) = $0 { return m != .zero } else { return false } } }
    }
}
