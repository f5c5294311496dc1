/// The 项目支出绩效目标表 of one project laid out as the seed prints it: eight columns, the
/// project's facts above, the funds by level for the period and the year, the texts, the
/// 总体目标, and the indicator block 一级 | 二级 | 三级 | 指标值 (实施期) | 二级 | 三级 | 指标值 (年度).
public struct PerformanceSheet: Hashable, Sendable {
    /// `泽州县县(区)级预算部门(单位)项目支出绩效目标表`.
    public var title: String
    /// `(2025年度)`.
    public var subtitle: String
    public var grid: SheetGrid
    /// `负责人:  经办人:  联系电话:  填报日期: …`, printed under the table.
    public var signature: String

    public init(_ t: PerformanceTarget, year: Int) {
        title = t.title
        subtitle = "(\(year)年度)"
        var g = SheetGrid(columnWidths: [10, 9, 10, 14, 10, 9, 12, 10])
        var r = 0
        g.put(r, 0, "项目名称", .label); g.put(r, 1, t.name, .value, columns: 7); r += 1
        g.put(r, 0, "主管部门及代码", .label); g.put(r, 1, t.department, .value, columns: 3)
        g.put(r, 4, "实施单位", .label); g.put(r, 5, t.implementingUnit, .value, columns: 3); r += 1
        g.put(r, 0, "项目属性", .label); g.put(r, 1, t.attribute, .value, columns: 3)
        g.put(r, 4, "项目期", .label); g.put(r, 5, t.term, .value, columns: 3); r += 1

        // 项目资金(元): six rows, the period on the left and the year on the right.
        g.put(r, 0, "项目资金(元)", .label, rows: 6)
        let labels: [(String, String, (ProjectFunds) -> PrintedAmount)] = [
            ("实施期资金总额:", "年度资金总额:", { $0.total }),
            ("其中:中央财政资金", "其中:中央财政资金", { $0[.central] }),
            ("省级财政资金", "省级财政资金", { $0[.province] }),
            ("市县(区)财政资金", "市县(区)财政资金", { $0[.cityCounty] }),
            ("单位自筹", "单位自筹", { $0[.unitOwn] }),
            ("其他资金", "其他资金", { $0[.other] }),
        ]
        for (left, right, figure) in labels {
            g.put(r, 1, left, .label, columns: 2); g.put(r, 3, figure(t.periodFunds).text, .amount)
            g.put(r, 4, right, .label, columns: 2); g.put(r, 6, figure(t.yearFunds).text, .amount, columns: 2)
            r += 1
        }
        for (label, text) in [("项目概况", t.overview), ("立项依据", t.basis), ("项目设立必要性", t.necessity),
                              ("保证项目实施的制度、措施", t.measures), ("项目实施计划", t.plan)] {
            g.put(r, 0, label, .label); g.put(r, 1, text, .text, columns: 7); r += 1
        }
        g.put(r, 0, "总体目标", .label, rows: 2)
        g.put(r, 1, "实施期目标", .header, columns: 4); g.put(r, 5, "年度目标", .header, columns: 3); r += 1
        g.put(r, 1, t.periodGoal, .text, columns: 4); g.put(r, 5, t.yearGoal, .text, columns: 3); r += 1

        // The indicator block: one row for each 三级 of the longer side of a 二级 group (at least one).
        let heights = t.indicators.map { max($0.period.count, $0.year.count, 1) }
        g.put(r, 0, "绩效指标", .label, rows: 1 + heights.reduce(0, +))
        for (c, h) in ["一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"].enumerated() {
            g.put(r, c + 1, h, .header)
        }
        r += 1
        var i = 0
        while i < t.indicators.count {
            // Consecutive groups with the same 一级 share one merged 一级 cell.
            var j = i
            while j + 1 < t.indicators.count, t.indicators[j + 1].level1 == t.indicators[i].level1 { j += 1 }
            g.put(r, 1, t.indicators[i].level1, .value, rows: heights[i...j].reduce(0, +))
            for k in i...j {
                let group = t.indicators[k], h = heights[k]
                g.put(r, 2, group.level2, .value, rows: h)
                g.put(r, 5, group.level2, .value, rows: h)
                for row in 0..<h {
                    let p = row < group.period.count ? group.period[row] : nil
                    let y = row < group.year.count ? group.year[row] : nil
                    g.put(r + row, 3, p?.name ?? "", .value); g.put(r + row, 4, p?.value ?? "", .value)
                    g.put(r + row, 6, y?.name ?? "", .value); g.put(r + row, 7, y?.value ?? "", .value)
                }
                r += h
            }
            i = j + 1
        }
        grid = g
        let s = t.signature
        signature = "负责人:\(s.responsible)    经办人:\(s.handler)    联系电话:\(s.phone)    填报日期:\(s.filledAt)"
    }
}

/// Where a grid is written: an XLSX sheet, or anything else that can hold cells and merges.
/// BudgetPublish conforms libxlsxwriter's sheet to it.
public protocol GridSink {
    associatedtype Failure: Error
    /// One cell, or a merged range when the cell spans more than one position.
    mutating func write(_ cell: SheetGrid.Cell) throws(Failure)
    /// A line of text outside the grid (title, subtitle, signature) spanning all columns.
    mutating func writeLine(row: Int, text: String, kind: LineKind, columns: Int) throws(Failure)
    mutating func setColumnWidths(_ widths: [Double]) throws(Failure)
}

/// The lines printed around a grid.
public enum LineKind: Sendable { case title, subtitle, note }

extension PerformanceSheet {
    /// Writes the sheet: title and subtitle in rows 0–1, the grid from row 2, the signature under it.
    public func write<S: GridSink>(to sink: inout S) throws(S.Failure) {
        try sink.setColumnWidths(grid.columnWidths)
        try sink.writeLine(row: 0, text: title, kind: .title, columns: grid.columnCount)
        try sink.writeLine(row: 1, text: subtitle, kind: .subtitle, columns: grid.columnCount)
        for var c in grid.cells {
            c.row += 2
            try sink.write(c)
        }
        try sink.writeLine(row: grid.rowCount + 2, text: signature, kind: .note, columns: grid.columnCount)
    }
}
