import BudgetCore
import BudgetTables

/// How a set of disclosure tables is printed: A4 in each template's orientation, column widths that
/// fit the longest text, and one type size for every table.
///
/// A sheet fitted to its own page width prints each table at its own size, so the type jumped from
/// table to table. Here every table is made equally wide relative to its paper: the table that needs
/// the most room sets the scale (at most 100%), and each other table's columns are widened in
/// proportion until it fills its page width at that same scale. Each sheet is then fitted to one page
/// width, which gives the same scale on every sheet in Excel, and in a viewer whose default font is
/// wider than Excel's (LibreOffice without Calibri) a smaller scale, but again the same on every
/// sheet. Long tables run down as many pages as they need, with the header rows repeated.
struct PrintLayout: Sendable {
    /// Each table's column widths, in Excel character units.
    let widths: [[Double]]
    /// The scale at which Excel prints every table, in percent (for the report and the tests).
    let scale: Int

    /// Page margins in inches (Excel's unit). The footer (page numbers) sits in the bottom margin.
    static let margins = (left: 0.4, right: 0.4, top: 0.5, bottom: 0.6)
    /// A4 in inches.
    static let paper = (width: 8.27, height: 11.69)
    /// The common scale does not fall below this (a table that needs less prints smaller alone).
    static let smallestCommonScale = 0.6
    /// A name column is widened to fit its longest text up to this many character units.
    static let widestTextColumn = 80.0

    init(_ tables: [DisclosureTable]) {
        let natural = tables.map(PrintLayout.columnWidths)
        // The common scale: the smallest at which some table just fits its page width.
        var fraction = 1.0
        for (t, w) in zip(tables, natural) {
            fraction = min(fraction, PrintLayout.printableWidth(landscape: t.landscape) / PrintLayout.points(w))
        }
        // A table far wider than its paper does not shrink every other table with it: below the
        // smallest common scale it alone prints smaller.
        fraction = max(fraction, PrintLayout.smallestCommonScale)
        widths = zip(tables, natural).map { t, w in
            // Widen in proportion so the table needs exactly its printable width / fraction; each
            // column's 5-pixel padding stays as it is.
            let target = PrintLayout.printableWidth(landscape: t.landscape) / fraction / 0.75 - 5 * Double(w.count)
            let stretch = max(1, target / (7 * w.reduce(0, +)))
            return w.map { ($0 * stretch * 100).rounded(.down) / 100 }
        }
        scale = Int((fraction * 100).rounded(.down))
    }

    /// Printed width of columns `w` character units wide, in points: Excel draws a column
    /// w × 7 + 5 pixels wide (7 pixels is the default font's digit) at 96 pixels an inch.
    static func points(_ widths: [Double]) -> Double { widths.reduce(0) { $0 + ($1 * 7 + 5) * 0.75 } }

    /// The width of A4 inside the margins, in points.
    static func printableWidth(landscape: Bool) -> Double {
        ((landscape ? paper.height : paper.width) - margins.left - margins.right) * 72
    }

    /// Indent levels (Excel: one level is three spaces) of a name cell by row style: 款 one level
    /// in from its 类, 项 two, as the published tables set them.
    static func indent(_ style: DisclosureTable.Row.Style) -> UInt8 {
        switch style {
        case .level2: return 1
        case .level3: return 2
        case .plain, .total, .level1: return 0
        }
    }

    /// True for a table with a second side (tables 1, 4 and 9 print income beside expenditure): a
    /// text or code column after an amount column.
    static func isTwoSided(_ table: DisclosureTable) -> Bool {
        var seenAmount = false
        for col in table.columns {
            if col.kind == .amount { seenAmount = true } else if seenAmount { return true }
        }
        return false
    }

    /// How a row prints. A 合计 row is bold across the table. The 类/款/项 levels apply to one-sided
    /// tables only: a two-sided row carries one style for both sides (the builder takes the left
    /// side's), so there both sides print plain rather than one side in the other's level.
    static func printedStyle(_ row: DisclosureTable.Row, twoSided: Bool) -> DisclosureTable.Row.Style {
        row.style == .total || !twoSided ? row.style : .plain
    }

    /// The template's widths, each widened to fit the longest text written in the column (a CJK
    /// character is two units wide, bold a tenth wider, an indent level three), so no name is cut
    /// or wrapped; then every amount column takes the widest amount column's width, so the figures
    /// of a table line up in columns of one width.
    static func columnWidths(_ table: DisclosureTable) -> [Double] {
        let n = max(table.columns.count, 1)
        var widths = (0..<n).map { $0 < table.columns.count ? table.columns[$0].width : 10 }
        func fit(_ c: Int, _ s: String, bold: Bool = false, indent: UInt8 = 0, lines: Int = 1) {
            guard c < n else { return }
            let w = (Double(TextTable.width(s)) / Double(lines)).rounded(.up) * (bold ? 1.1 : 1.0) + 3 + 3 * Double(indent)
            widths[c] = max(widths[c], min(w, widestTextColumn))
        }
        var merged: Set<Int> = []
        for m in table.headerMerges where m.firstColumn != m.lastColumn {
            merged.insert(m.firstRow * 4096 + m.firstColumn)
        }
        // Header cells wrap (their rows grow to fit): a header needs half its text's width, not all
        // of it, so `财政专户管理资金` does not widen every amount column of its table.
        for (r, cells) in table.header.enumerated() {
            for (c, s) in cells.enumerated() where !merged.contains(r * 4096 + c) { fit(c, s, bold: true, lines: 2) }
        }
        let twoSided = isTwoSided(table)
        for row in table.rows {
            let style = printedStyle(row, twoSided: twoSided)
            for (c, cell) in row.cells.enumerated() {
                switch cell {
                case .text(let s):
                    let isName = c < table.columns.count && table.columns[c].kind == .text
                    fit(c, s, bold: SheetWriter.isBold(style), indent: isName ? indent(style) : 0)
                case .amount(let m):
                    if m != .zero { fit(c, Money.hundredthsText(m.wanHundredths), bold: SheetWriter.isBold(style)) }
                case .blank: break
                }
            }
        }
        let amountColumns = table.columns.indices.filter { table.columns[$0].kind == .amount }
        if let widest = amountColumns.map({ widths[$0] }).max() {
            for c in amountColumns { widths[c] = widest }
        }
        return widths
    }

    /// The height of each header row (points), or nil for the default: a header cell wraps, and
    /// neither LibreOffice nor Excel grows a row for wrapped text on opening, so a header that needs
    /// three lines (`国有资本经营预算拨款收入` in a 12-wide column) would print over the row above.
    /// Lines are estimated as `columnWidths` measures text (a CJK character two units, bold a tenth
    /// wider) against the cell's width (a merge across columns has their sum); a merge down several
    /// rows shares its lines among them.
    static func headerRowHeights(_ table: DisclosureTable, widths: [Double]) -> [Double?] {
        var lines = Array(repeating: 1, count: table.header.count)
        var mergeAt: [Int: DisclosureTable.CellRange] = [:]
        var covered: Set<Int> = []
        for m in table.headerMerges {
            mergeAt[m.firstRow * 4096 + m.firstColumn] = m
            for r in m.firstRow...m.lastRow { for c in m.firstColumn...m.lastColumn { covered.insert(r * 4096 + c) } }
        }
        for (r, cells) in table.header.enumerated() {
            for (c, text) in cells.enumerated() where !text.isEmpty {
                let key = r * 4096 + c
                var width = c < widths.count ? widths[c] : 10, rows = 1
                if let m = mergeAt[key] {
                    width = (m.firstColumn...m.lastColumn).reduce(0) { $0 + ($1 < widths.count ? widths[$1] : 10) }
                    rows = m.lastRow - m.firstRow + 1
                } else if covered.contains(key) { continue }
                let needed = Int((Double(TextTable.width(text)) * 1.1 / max(width - 1, 1)).rounded(.up))
                let perRow = (needed + rows - 1) / rows
                lines[r] = max(lines[r], min(perRow, 6))
            }
        }
        return lines.map { $0 > 1 ? Double($0) * 13.5 + 3 : nil }
    }
}
