/// A printed form as a grid of placed cells with merges: the one layout that both the XLSX sheet
/// and the Word table are written from, so the two cannot drift apart.
public struct SheetGrid: Hashable, Sendable {
    /// Relative column widths (Excel character units; the DOCX scales them to the text width).
    public var columnWidths: [Double]
    public var cells: [Cell]
    /// Rows at the top that repeat on every printed page.
    public var headerRows: Int

    public init(columnWidths: [Double], cells: [Cell] = [], headerRows: Int = 0) {
        self.columnWidths = columnWidths; self.cells = cells; self.headerRows = headerRows
    }

    /// How a cell is printed.
    public enum Role: Hashable, Sendable {
        /// A field name (项目名称, 项目概况): centred.
        case label
        /// A short value: centred.
        case value
        /// A long text: left-aligned, wrapped.
        case text
        /// A column heading: centred, bold.
        case header
        /// An amount: right-aligned.
        case amount
    }

    public struct Cell: Hashable, Sendable {
        public var row: Int, column: Int
        public var rowSpan: Int, columnSpan: Int
        public var text: String
        public var role: Role
        /// Printed bold beyond what the role says (a table's 合计 and 类 rows).
        public var bold: Bool
        public init(row: Int, column: Int, rowSpan: Int = 1, columnSpan: Int = 1, text: String, role: Role, bold: Bool = false) {
            self.row = row; self.column = column; self.rowSpan = rowSpan; self.columnSpan = columnSpan
            self.text = text; self.role = role; self.bold = bold
        }
    }

    public var rowCount: Int { cells.map { $0.row + $0.rowSpan }.max() ?? 0 }
    public var columnCount: Int { columnWidths.count }

    /// Places a cell; the merges of a grid must not overlap (`validate` says where they do).
    public mutating func put(_ row: Int, _ column: Int, _ text: String, _ role: Role, rows: Int = 1, columns: Int = 1,
                             bold: Bool = false) {
        cells.append(Cell(row: row, column: column, rowSpan: rows, columnSpan: columns, text: text, role: role, bold: bold))
    }

    /// The cell that starts at each position, and for every covered position the cell covering it.
    /// Nil when two cells overlap or a cell leaves the grid: the layout code has a bug then.
    public func coverage() -> [[Int?]]? {
        let rows = rowCount, cols = columnCount
        var map = [[Int?]](repeating: [Int?](repeating: nil, count: cols), count: rows)
        for (i, c) in cells.enumerated() {
            guard c.row >= 0, c.column >= 0, c.rowSpan >= 1, c.columnSpan >= 1, c.column + c.columnSpan <= cols else { return nil }
            for r in c.row..<(c.row + c.rowSpan) {
                for k in c.column..<(c.column + c.columnSpan) {
                    if map[r][k] != nil { return nil }
                    map[r][k] = i
                }
            }
        }
        return map
    }
}
