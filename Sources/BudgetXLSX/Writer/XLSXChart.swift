internal import CXlsxWriter
import Foundation

/// A native pie chart over one column of categories and one of values on a worksheet, as the
/// disclosure's 一般公共预算当年拨款结构图 needs it.
public struct XLSXPieChart: Sendable, Equatable {
    /// A run of cells in one column: rows `firstRow...lastRow` of column `column` (zero-based).
    public struct ColumnRange: Sendable, Equatable {
        public var sheet: String
        public var firstRow: Int, lastRow: Int, column: Int
        public init(sheet: String, firstRow: Int, lastRow: Int, column: Int) {
            self.sheet = sheet; self.firstRow = firstRow; self.lastRow = lastRow; self.column = column
        }

        /// `='Sheet name'!$A$2:$A$7`: the sheet name always quoted, apostrophes doubled.
        var formula: String {
            "='\(sheet.replacing("'", with: "''"))'!$\(columnName(column))$\(firstRow + 1):$\(columnName(column))$\(lastRow + 1)"
        }
    }

    public var title: String
    public var categories: ColumnRange
    public var values: ColumnRange
    /// Label each slice with its category and percentage.
    public var percentageLabels: Bool
    /// Size relative to Excel's default chart (480 × 288 pixels).
    public var xScale: Double, yScale: Double

    public init(title: String, categories: ColumnRange, values: ColumnRange, percentageLabels: Bool = true,
                xScale: Double = 1.5, yScale: Double = 1.5) {
        self.title = title; self.categories = categories; self.values = values
        self.percentageLabels = percentageLabels; self.xScale = xScale; self.yScale = yScale
    }
}

extension XLSXWorkbook {
    /// Inserts `chart` into `sheet` with its top left corner at (`row`, `col`).
    ///
    /// Return codes: `workbook_add_chart` and `chart_add_series` return NULL on failure and
    /// `worksheet_insert_chart_opt` an `lxw_error`; each is checked. The chart setters
    /// (`chart_title_set_name`, `chart_series_set_labels_*`) return void in libxlsxwriter 1.1.4, so
    /// their inputs are checked here before the call instead (no NUL, ranges inside the sheet).
    public func insertPieChart(_ chart: XLSXPieChart, into sheet: XLSXWorksheet, row: Int, col: Int) throws(XLSXError) {
        let ctx = "sheet \"\(sheet.name)\" insertPieChart \(cellName(row, col))"
        let wb = try openHandle(ctx)
        for range in [chart.categories, chart.values] {
            guard range.firstRow >= 0, range.firstRow <= range.lastRow, range.lastRow < 1_048_576,
                  range.column >= 0, range.column < 16_384 else {
                throw XLSXError(code: .parameterValidation, ctx + ": bad range \(range)")
            }
        }
        guard chart.categories.lastRow - chart.categories.firstRow == chart.values.lastRow - chart.values.firstRow else {
            throw XLSXError(code: .parameterValidation, ctx + ": categories and values differ in length")
        }
        for text in [chart.title, chart.categories.sheet, chart.values.sheet] where text.utf8.contains(0) {
            throw XLSXError(code: .parameterValidation, ctx + ": text contains NUL")
        }
        guard chart.xScale > 0, chart.xScale <= 10, chart.yScale > 0, chart.yScale <= 10 else {
            throw XLSXError(code: .parameterValidation, ctx + ": scale must be in (0, 10]")
        }
        guard let ws = workbook_get_worksheet_by_name(wb, sheet.name) else {
            throw XLSXError(code: .parameterValidation, ctx + ": worksheet not found")
        }
        guard let c = workbook_add_chart(wb, UInt8(LXW_CHART_PIE.rawValue)) else {
            throw XLSXError(code: .memoryMallocFailed, ctx + ": workbook_add_chart")
        }
        chart_title_set_name(c, chart.title)
        guard let series = chart_add_series(c, chart.categories.formula, chart.values.formula) else {
            throw XLSXError(code: .memoryMallocFailed, ctx + ": chart_add_series")
        }
        chart_series_set_name(series, chart.title)
        if chart.percentageLabels {
            // The position first: chart_series_set_labels_position turns the value on, and the
            // options call after it turns it off again (checked in chart1.xml: no c:showVal).
            chart_series_set_labels_position(series, UInt8(LXW_CHART_LABEL_POSITION_OUTSIDE_END.rawValue))
            chart_series_set_labels_options(series, UInt8(LXW_FALSE.rawValue), UInt8(LXW_TRUE.rawValue), UInt8(LXW_FALSE.rawValue))
            chart_series_set_labels_percentage(series)
            chart_series_set_labels_num_format(series, "0.00%")
            chart_series_set_labels_leader_line(series)
        }
        chart_legend_set_position(c, UInt8(LXW_CHART_LEGEND_RIGHT.rawValue))
        var options = lxw_chart_options()
        options.x_scale = chart.xScale
        options.y_scale = chart.yScale
        try XLSXError.check(worksheet_insert_chart_opt(ws, lxw_row_t(row), lxw_col_t(col), c, &options), ctx)
    }
}
