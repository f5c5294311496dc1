import BudgetDisclosure
import BudgetDocx

/// A `SheetGrid` as a Word table: merged ranges become `w:gridSpan` and `w:vMerge`, and every
/// position no cell covers gets an empty cell, so each row covers the grid exactly.
enum GridTable {
    static func docx(_ grid: SheetGrid, width: Int) throws(DocxError) -> DocxTable {
        guard let map = grid.coverage() else { throw DocxError("表格布局中有重叠或越界的单元格") }
        let total = grid.columnWidths.reduce(0, +)
        guard total > 0 else { throw DocxError("表格没有列宽") }
        // Twips per column, the rounding remainder given to the last column so the sum is exact.
        var widths = grid.columnWidths.map { Int(($0 / total * Double(width)).rounded(.down)) }
        widths[widths.count - 1] += width - widths.reduce(0, +)
        var rows: [DocxTableRow] = []
        for (r, line) in map.enumerated() {
            var cells: [DocxTableCell] = []
            var c = 0
            while c < line.count {
                guard let index = line[c] else {
                    cells.append(DocxTableCell(""))
                    c += 1
                    continue
                }
                let cell = grid.cells[index]
                let merge: DocxTableCell.VerticalMerge = cell.rowSpan == 1 ? .none : (cell.row == r ? .start : .continued)
                var p = DocxParagraph(style: .tableText, runs: [DocxRun(cell.text, bold: cell.role == .header || cell.bold)])
                switch cell.role {
                case .label, .value, .header: p.alignment = .center
                case .amount: p.alignment = .right
                case .text: p.alignment = .both
                }
                cells.append(DocxTableCell(paragraphs: [p], span: cell.columnSpan, verticalMerge: merge))
                c += cell.columnSpan
            }
            rows.append(DocxTableRow(cells: cells, isHeader: r < grid.headerRows))
        }
        return DocxTable(columnWidths: widths, rows: rows)
    }
}
