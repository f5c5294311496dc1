import BudgetCore
import BudgetXLSX
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PriorComparison {
    /// Writes the comparison as one sheet: title, 部门名称 and 单位：万元, a bordered grid with
    /// 0.00 amounts, section rows, frozen header, A4 fitted to the page width.
    ///
    /// Atomic: written to a temporary file beside the target, then renamed over it, so a failure
    /// leaves any previous file untouched. Deterministic: the document time is pinned.
    public func writeXLSX(to path: String) throws {
        do {
            try XLSXWorkbook.writeAtomically(to: URL(fileURLWithPath: path), properties: XLSXDocumentProperties(
                title: "\(year)年预算与\(priorYear)年对比", author: department)) { wb in
                try fill(try wb.addSheet(name: "上年对比"))
            }
        } catch .build(let e) {
            throw e
        } catch .replace(let e) {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path,
                                                            NSLocalizedDescriptionKey: "无法写入 \(path)（errno \(e)）"])
        }
    }

    func fill(_ ws: XLSXWorksheet) throws {
        let font = "宋体"
        let title = CellStyle(bold: true, fontSize: 16, fontName: font, horizontalAlignment: .center, verticalAlignment: .center)
        let plain = CellStyle(fontSize: 10, fontName: font)
        let right = CellStyle(fontSize: 10, fontName: font, horizontalAlignment: .right)
        let head = CellStyle(bold: true, fontSize: 10, fontName: font, horizontalAlignment: .center, verticalAlignment: .center,
                             border: .thin, textWrap: true)
        let section = CellStyle(bold: true, fontSize: 10, fontName: font, verticalAlignment: .center, border: .thin,
                                backgroundColor: 0xF2F2F2)
        let text = CellStyle(fontSize: 10, fontName: font, verticalAlignment: .center, border: .thin)
        let amount = CellStyle(fontSize: 10, fontName: font, verticalAlignment: .center, border: .thin, numberFormat: "0.00")
        let dash = CellStyle(fontSize: 10, fontName: font, horizontalAlignment: .right, verticalAlignment: .center, border: .thin)

        let headers = ["编码", "项目", "上年数", "本年数", "增减额", "增减率（%）"]
        let last = headers.count - 1
        try ws.mergeRange(firstRow: 0, firstCol: 0, lastRow: 0, lastCol: last,
                          text: "\(department)\(year)年预算与\(priorYear)年预算对比表", style: title)
        try ws.setRowHeight(0, 30)
        try ws.mergeRange(firstRow: 1, firstCol: 0, lastRow: 1, lastCol: 3, text: "部门名称：\(department)", style: plain)
        try ws.mergeRange(firstRow: 1, firstCol: 4, lastRow: 1, lastCol: last, text: "单位：万元", style: right)
        for (c, h) in headers.enumerated() { try ws.writeString(2, c, h, style: head) }
        var r = 3
        for sec in sections {
            try ws.mergeRange(firstRow: r, firstCol: 0, lastRow: r, lastCol: last, text: sec, style: section)
            r += 1
            for row in rows where row.section == sec {
                try ws.writeString(r, 0, row.code, style: text)
                try ws.writeString(r, 1, String(repeating: "  ", count: row.level) + row.name, style: text)
                // The printed figures (a cell holds what it shows): 上年数, 本年数, and 增减额 and 增减率
                // computed from them (`PriorChange`), so 本年数 − 上年数 in Excel gives the 增减额 cell.
                let p = row.printed
                for (c, h) in [(2, p.prior), (3, p.current), (4, p.change)] {
                    try ws.writeNumber(r, c, Money.hundredthsValue(h), style: amount)
                }
                if let rate = p.rate {
                    try ws.writeNumber(r, 5, Money.hundredthsValue(rate), style: amount)
                } else {
                    try ws.writeString(r, 5, "—", style: dash)
                }
                r += 1
            }
        }
        if !warnings.isEmpty {
            r += 1
            try ws.writeString(r, 0, "警告：", style: plain)
            for w in warnings {
                r += 1
                try ws.writeString(r, 0, w, style: plain)
            }
        }
        for (c, w) in [10.0, 34, 13, 13, 13, 12].enumerated() { try ws.setColumnWidth(c, w) }
        try ws.freezePanes(row: 3, col: 0)
        try ws.repeatRows(first: 2, last: 2)
        try ws.setPaper(.a4)
        try ws.setOrientation(.portrait)
        try ws.fitToPages(width: 1, height: 0)
        try ws.setMargins(left: 0.5, right: 0.5, top: 0.6, bottom: 0.6)
        try ws.setFooter(XLSXWorksheet.pageNumberFooter)
        try ws.centerHorizontally()
    }
}
