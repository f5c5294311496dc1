import BudgetChecks
import BudgetCore
import BudgetDocx
import BudgetXLSX
import Foundation

/// 一般公共预算当年拨款结构图: the shares of 一般公共预算 current-year expenditure by function 类,
/// the figures section 五（二） states (same roll-up, same rounding: 万元 half up, shares from
/// exact amounts through `Percent.share`).
public struct StructureChart: Sendable, Equatable {
    public struct Slice: Sendable, Equatable {
        public var code: String
        public var name: String
        public var amount: Money
        /// Hundredths of a percent of `total`.
        public var share: Int64
    }

    public static let title = "一般公共预算当年拨款结构图"

    public var slices: [Slice]
    public var total: Money

    public init(budget: Budget, rollup: Rollup? = nil) {
        let r = rollup ?? Rollup(budget: budget)
        let gp = Measure(sources: [.generalPublic], carryover: [.currentYear])
        total = r.total(.department, gp)
        var out: [Slice] = []
        for c in r.functionCodes where CodeSet.function.isClass(c) {
            let v = r.total(.function(c), gp)
            if v == .zero { continue }
            out.append(Slice(code: c, name: budget.codes.name(.function, c) ?? c, amount: v,
                             share: Percent.share(v, of: total) ?? 0))
        }
        slices = out
    }

    /// `12.14%`.
    public static func percentText(_ hundredths: Int64) -> String { Money.hundredthsText(hundredths) + "%" }

    /// Slice colours, in order (the Office palette, which Excel's own pie uses too).
    public static let palette: [(r: UInt8, g: UInt8, b: UInt8)] = [
        (0x44, 0x72, 0xC4), (0xED, 0x7D, 0x31), (0xA5, 0xA5, 0xA5), (0xFF, 0xC0, 0x00), (0x5B, 0x9B, 0xD5),
        (0x70, 0xAD, 0x47), (0x26, 0x44, 0x78), (0x9E, 0x48, 0x0E), (0x63, 0x63, 0x63), (0x99, 0x73, 0x00),
    ]

    /// The pie as a picture, without text: the legend (names, amounts, shares) is printed beside it
    /// as text in the document, so it is searchable and exactly the table's figures.
    /// Each pixel is sampled 4 × 4 times so the edges are smooth.
    public func png(side: Int = 360) throws(DocxError) -> [UInt8] {
        var img = try PNGImage(width: side, height: side)
        let totalFen = Double(total.fen)
        guard totalFen > 0 else { return img.pngData }
        // Slice boundaries as fractions of the circle, clockwise from 12 o'clock.
        var bounds: [Double] = [0]
        var acc = 0.0
        for s in slices { acc += Double(s.amount.fen) / totalFen; bounds.append(acc) }
        let c = Double(side) / 2, radius = Double(side) / 2 - 4
        for y in 0..<side {
            for x in 0..<side {
                var rs = 0, gs = 0, bs = 0
                for sy in 0..<4 {
                    for sx in 0..<4 {
                        let dx = Double(x) + (Double(sx) + 0.5) / 4 - c, dy = Double(y) + (Double(sy) + 0.5) / 4 - c
                        var colour: (r: UInt8, g: UInt8, b: UInt8) = (255, 255, 255)
                        if dx * dx + dy * dy <= radius * radius {
                            var t = atan2(dx, -dy) / (2 * .pi)
                            if t < 0 { t += 1 }
                            let i = max(0, min(slices.count - 1, (bounds.firstIndex { $0 > t } ?? bounds.count) - 1))
                            colour = StructureChart.palette[i % StructureChart.palette.count]
                        }
                        rs += Int(colour.r); gs += Int(colour.g); bs += Int(colour.b)
                    }
                }
                img.set(x, y, (UInt8(rs / 16), UInt8(gs / 16), UInt8(bs / 16)))
            }
        }
        return img.pngData
    }

    /// A sheet `结构图` with the chart's figures (类, 名称, 金额（万元）, 占比) and the native pie
    /// chart over them.
    public func addSheet(to workbook: XLSXWorkbook, name: String = "结构图") throws(XLSXError) {
        let sheet = try workbook.addSheet(name: name)
        try sheet.setPaper(.a4)
        try sheet.setOrientation(.landscape)
        try sheet.fitToPages(width: 1, height: 1)
        let head = CellStyle(bold: true, fontName: "宋体", horizontalAlignment: .center, border: .thin)
        let text = CellStyle(fontName: "宋体", border: .thin)
        let number = CellStyle(fontName: "宋体", border: .thin, numberFormat: "0.00")
        let percent = CellStyle(fontName: "宋体", border: .thin, numberFormat: "0.00%")
        try sheet.mergeRange(firstRow: 0, firstCol: 0, lastRow: 0, lastCol: 3, text: StructureChart.title,
                             style: CellStyle(bold: true, fontSize: 14, fontName: "黑体", horizontalAlignment: .center))
        for (i, h) in ["科目编码", "科目名称", "金额（万元）", "占比"].enumerated() { try sheet.writeString(1, i, h, style: head) }
        for (i, s) in slices.enumerated() {
            try sheet.writeString(i + 2, 0, s.code, style: text)
            try sheet.writeString(i + 2, 1, s.name, style: text)
            // The printed 万元 figure and the printed share: what the text and the tables state.
            try sheet.writeNumber(i + 2, 2, Double(s.amount.wanHundredths) / 100, style: number)
            try sheet.writeNumber(i + 2, 3, Double(s.share) / 10_000, style: percent)
        }
        try sheet.setColumnWidth(0, 10)
        try sheet.setColumnWidth(1, 28)
        try sheet.setColumnWidth(2, 14)
        try sheet.setColumnWidth(3, 10)
        guard !slices.isEmpty else { return }
        let last = slices.count + 1
        try workbook.insertPieChart(
            XLSXPieChart(title: StructureChart.title,
                         categories: .init(sheet: name, firstRow: 2, lastRow: last, column: 1),
                         values: .init(sheet: name, firstRow: 2, lastRow: last, column: 2)),
            into: sheet, row: last + 2, col: 0)
    }
}
