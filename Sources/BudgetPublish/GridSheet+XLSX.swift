import BudgetCore
import BudgetDisclosure
import BudgetXLSX

/// Writes `SheetGrid`s into an XLSX worksheet: merged ranges through `mergeRange`, every cell
/// bordered, 宋体 10 pt, texts wrapped.
public struct XLSXGridSink: GridSink {
    public let sheet: XLSXWorksheet
    /// Column widths (Excel character units), to estimate how many lines a wrapped text needs.
    var widths: [Double] = []
    /// The height set so far per row: a row is as tall as its tallest cell.
    var heights: [Int: Double] = [:]

    public init(sheet: XLSXWorksheet) { self.sheet = sheet }

    /// Excel does not grow a row for wrapped text written by a program, and LibreOffice keeps
    /// the stored height: estimate it. A Chinese character is two width units, others one.
    mutating func fit(_ cell: SheetGrid.Cell) throws(XLSXError) {
        guard cell.rowSpan == 1, !cell.text.isEmpty, cell.column + cell.columnSpan <= widths.count else { return }
        let width = widths[cell.column..<(cell.column + cell.columnSpan)].reduce(0, +) * 0.9
        let units = cell.text.unicodeScalars.reduce(0.0) { $0 + ($1.value > 0x2E80 ? 2 : 1) }
        let lines = max(1, (units / max(width, 1)).rounded(.up))
        let height = min(409, 13.5 * lines + 2)
        if height > (heights[cell.row] ?? 15) {
            heights[cell.row] = height
            try sheet.setRowHeight(cell.row, height)
        }
    }

    static func style(_ role: SheetGrid.Role) -> CellStyle {
        var s = CellStyle(fontSize: 10, fontName: "宋体", verticalAlignment: .center, border: .thin, textWrap: true)
        switch role {
        case .label, .value: s.horizontalAlignment = .center
        case .header: s.horizontalAlignment = .center; s.bold = true
        case .text: s.horizontalAlignment = .left
        case .amount: s.horizontalAlignment = .right
        }
        return s
    }

    public mutating func write(_ cell: SheetGrid.Cell) throws(XLSXError) {
        var style = XLSXGridSink.style(cell.role)
        if cell.bold { style.bold = true }
        if cell.rowSpan == 1, cell.columnSpan == 1 {
            try sheet.writeString(cell.row, cell.column, cell.text, style: style)
        } else {
            try sheet.mergeRange(firstRow: cell.row, firstCol: cell.column, lastRow: cell.row + cell.rowSpan - 1,
                                 lastCol: cell.column + cell.columnSpan - 1, text: cell.text, style: style)
        }
        try fit(cell)
    }

    public mutating func writeLine(row: Int, text: String, kind: LineKind, columns: Int) throws(XLSXError) {
        var s = CellStyle(fontName: kind == .title ? "黑体" : "宋体", horizontalAlignment: kind == .note ? .left : .center,
                          verticalAlignment: .center)
        s.fontSize = kind == .title ? 16 : 10
        if columns > 1 {
            try sheet.mergeRange(firstRow: row, firstCol: 0, lastRow: row, lastCol: columns - 1, text: text, style: s)
        } else {
            try sheet.writeString(row, 0, text, style: s)
        }
        if kind == .title { try sheet.setRowHeight(row, 30) }
    }

    public mutating func setColumnWidths(_ widths: [Double]) throws(XLSXError) {
        self.widths = widths
        for (i, w) in widths.enumerated() { try sheet.setColumnWidth(i, w) }
    }
}

/// 项目支出绩效目标表 as XLSX sheets: one sheet a project, in the order published.
public enum PerformanceSheetsXLSX {
    /// Adds one sheet per target to `workbook`, named `绩效目标1`, `绩效目标2` … (a project name is
    /// often longer than Excel's 31 characters); returns the sheet names.
    @discardableResult
    public static func add(_ targets: [PerformanceTarget], year: Int, to workbook: XLSXWorkbook) throws(XLSXError) -> [String] {
        var names: [String] = []
        for (i, t) in targets.enumerated() {
            let name = "绩效目标\(i + 1)"
            let sheet = try workbook.addSheet(name: name)
            try sheet.setPaper(.a4)
            try sheet.fitToPages(width: 1, height: 0)
            var sink = XLSXGridSink(sheet: sheet)
            try PerformanceSheet(t, year: year).write(to: &sink)
            names.append(name)
        }
        return names
    }
}

/// 政府采购预算表 as an XLSX sheet: title, 部门名称 and 单位, then the grid.
public enum ProcurementSheetXLSX {
    public static let sheetName = "政府采购预算"

    public static func add(_ table: ProcurementSheet, to workbook: XLSXWorkbook) throws(XLSXError) {
        let sheet = try workbook.addSheet(name: sheetName)
        try sheet.setPaper(.a4)
        try sheet.setOrientation(.landscape)
        try sheet.fitToPages(width: 1, height: 0)
        var sink = XLSXGridSink(sheet: sheet)
        let n = table.grid.columnCount
        try sink.setColumnWidths(table.grid.columnWidths)
        try sink.writeLine(row: 0, text: table.title, kind: .title, columns: n)
        try sink.writeLine(row: 1, text: table.notes.joined(separator: "　　"), kind: .note, columns: n)
        for var c in table.grid.cells {
            c.row += 2
            try sink.write(c)
        }
        try sheet.repeatRows(first: 2, last: 2)
    }
}

/// The disclosure's sheets beyond the tables, in one place for `budget publish --sheets` and
/// `budget export --disclosure-sheets`: the structure chart (a native pie over its figures), the
/// 政府采购预算 table when procurement was entered, one 项目支出绩效目标表 per sheet entered.
public enum DisclosureSheets {
    /// Adds the sheets to `workbook`; returns their names in order.
    @discardableResult
    public static func add(budget: Budget, data: DisclosureData, to workbook: XLSXWorkbook) throws(XLSXError) -> [String] {
        try StructureChart(budget: budget).addSheet(to: workbook)
        var names = ["结构图"]
        if let lines = data.procurement {
            try ProcurementSheetXLSX.add(ProcurementSheet(lines, budget: budget), to: workbook)
            names.append(ProcurementSheetXLSX.sheetName)
        }
        names += try PerformanceSheetsXLSX.add(data.targets ?? [], year: budget.year, to: workbook)
        return names
    }
}
