import BudgetCore
import BudgetTables
import BudgetXLSX

/// Lays out one disclosure table on one worksheet, as the published tables print it:
/// label, title merged across the table, 部门名称 and 单位：万元, the header rows merged as printed,
/// the body with thin borders on every cell, then the empty-table note.
///
/// Rows are written strictly top to bottom (constant-memory mode flushes a row once the next one
/// starts). A merge is registered when its *last* row is written: libxlsxwriter's
/// `worksheet_merge_range` checks only that row, and every cell under it was already written with
/// the merge's style, so multi-row header merges keep their borders.
struct SheetWriter {
    let table: DisclosureTable
    /// Column widths, from the layout of the whole set (`PrintLayout`).
    let widths: [Double]

    static let font = "宋体"
    static let labelStyle = CellStyle(fontSize: 10, fontName: font)
    static let titleStyle = CellStyle(bold: true, fontSize: 16, fontName: font, horizontalAlignment: .center, verticalAlignment: .center)
    static let departmentStyle = CellStyle(fontSize: 10, fontName: font, horizontalAlignment: .left, verticalAlignment: .center)
    static let unitStyle = CellStyle(fontSize: 10, fontName: font, horizontalAlignment: .right, verticalAlignment: .center)
    static let headerStyle = CellStyle(bold: true, fontSize: 10, fontName: font, horizontalAlignment: .center,
                                       verticalAlignment: .center, border: .thin, textWrap: true)
    static let noteStyle = CellStyle(fontSize: 10, fontName: font, horizontalAlignment: .left)

    /// 合计 rows and 类 rows (a table's first level: function 类, economic 类, a unit above its
    /// projects) print bold, to set them apart from the 款 and 项 below as the published tables do.
    static func isBold(_ row: DisclosureTable.Row.Style) -> Bool { row == .total || row == .level1 }

    /// A text cell: codes and 合计 centred; names left, 款 and 项 indented under their 类.
    static func textStyle(_ row: DisclosureTable.Row.Style, code: Bool) -> CellStyle {
        CellStyle(bold: isBold(row), fontSize: 10, fontName: font, horizontalAlignment: code || row == .total ? .center : .left,
                  verticalAlignment: .center, border: .thin, numberFormat: "@",
                  indent: code || row == .total ? 0 : PrintLayout.indent(row))
    }

    static func amountStyle(_ row: DisclosureTable.Row.Style) -> CellStyle {
        CellStyle(bold: isBold(row), fontSize: 10, fontName: font, horizontalAlignment: .right,
                  verticalAlignment: .center, border: .thin, numberFormat: "0.00", indent: 1)
    }

    /// First row of the header (after label, title and the department line).
    static let headerTop = 3

    func write(into wb: XLSXWorkbook) throws(XLSXError) {
        let ws = try wb.addSheet(name: table.sheetName)
        let n = max(table.columns.count, 1)
        for (c, w) in widths.enumerated() { try ws.setColumnWidth(c, w) }

        // Label, title, department line.
        try ws.writeString(0, 0, table.label, style: Self.labelStyle)
        try ws.setRowHeight(1, 30)
        if n > 1 {
            try ws.mergeRange(firstRow: 1, firstCol: 0, lastRow: 1, lastCol: n - 1, text: table.title, style: Self.titleStyle)
        } else {
            try ws.writeString(1, 0, table.title, style: Self.titleStyle)
        }
        if n > 2 {
            try ws.mergeRange(firstRow: 2, firstCol: 0, lastRow: 2, lastCol: n - 2, text: table.department, style: Self.departmentStyle)
        } else {
            try ws.writeString(2, 0, table.department, style: Self.departmentStyle)
        }
        try ws.writeString(2, n - 1, "单位：万元", style: Self.unitStyle)

        // Header rows, with merges registered at their last row.
        let top = Self.headerTop
        var firstOfMerge: [Int: [Int: DisclosureTable.CellRange]] = [:]
        var covered: Set<Int> = []
        for m in table.headerMerges {
            firstOfMerge[m.firstRow, default: [:]][m.firstColumn] = m
            for r in m.firstRow...m.lastRow { for c in m.firstColumn...m.lastColumn { covered.insert(r * 4096 + c) } }
        }
        // A height is set before the row's first cell (constant-memory sheets write rows in order).
        let heights = PrintLayout.headerRowHeights(table, widths: widths)
        for (r, cells) in table.header.enumerated() {
            if let height = heights[r] { try ws.setRowHeight(top + r, height) }
            for c in 0..<n {
                let text = c < cells.count ? cells[c] : ""
                if covered.contains(r * 4096 + c) && firstOfMerge[r]?[c] == nil {
                    try ws.writeBlank(top + r, c, style: Self.headerStyle)
                } else if text.isEmpty {
                    try ws.writeBlank(top + r, c, style: Self.headerStyle)
                } else {
                    try ws.writeString(top + r, c, text, style: Self.headerStyle)
                }
            }
            for m in table.headerMerges where m.lastRow == r {
                let text = m.firstRow < table.header.count && m.firstColumn < table.header[m.firstRow].count
                    ? table.header[m.firstRow][m.firstColumn] : ""
                try ws.mergeRange(firstRow: top + m.firstRow, firstCol: m.firstColumn, lastRow: top + m.lastRow,
                                  lastCol: m.lastColumn, text: text, style: Self.headerStyle)
            }
        }
        let bodyTop = top + table.header.count

        // Body.
        let kinds = table.columns.map(\.kind)
        let twoSided = PrintLayout.isTwoSided(table)
        for (i, row) in table.rows.enumerated() {
            let r = bodyTop + i
            let printed = PrintLayout.printedStyle(row, twoSided: twoSided)
            let text = Self.textStyle(printed, code: false), code = Self.textStyle(printed, code: true)
            let amount = Self.amountStyle(printed)
            for c in 0..<n {
                let cell = c < row.cells.count ? row.cells[c] : .blank
                let isAmount = c < kinds.count && kinds[c] == .amount
                let style = isAmount ? amount : (c < kinds.count && kinds[c] == .code ? code : text)
                switch cell {
                case .blank:
                    try ws.writeBlank(r, c, style: style)
                case .text(let s):
                    try ws.writeString(r, c, s, style: style)
                case .amount(let m):
                    // Zero prints as an empty cell; others as the printed figure itself (万元 rounded once,
                    // half up, to 0.01): a cell holds exactly what it shows, so a copy or an Excel sum
                    // works on the published figures.
                    if m == .zero { try ws.writeBlank(r, c, style: style) } else { try ws.writeNumber(r, c, m.wanPrinted, style: style) }
                }
            }
        }
        let end = bodyTop + table.rows.count
        if let note = table.emptyNote {
            try ws.writeString(end + 1, 0, note, style: Self.noteStyle)
        }

        // View and print setup: A4, one page wide (every table is equally wide relative to its
        // paper, so this is one scale for all: `PrintLayout`), the header rows repeated on every
        // page and the page numbers in the footer.
        if table.header.count > 0 {
            try ws.freezePanes(row: bodyTop, col: 0)
            try ws.repeatRows(first: top, last: bodyTop - 1)
        }
        try ws.setPaper(.a4)
        try ws.setOrientation(table.landscape ? .landscape : .portrait)
        try ws.fitToPages(width: 1, height: 0)
        let m = PrintLayout.margins
        try ws.setMargins(left: m.left, right: m.right, top: m.top, bottom: m.bottom)
        try ws.setFooter(XLSXWorksheet.pageNumberFooter)
        try ws.centerHorizontally()
    }
}
