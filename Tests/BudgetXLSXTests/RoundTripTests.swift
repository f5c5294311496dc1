import Foundation
import Testing
@testable import BudgetXLSX

/// Write with XLSXWorkbook, read back with XLSXReader, compare.
@Suite struct RoundTripTests {
    static let header = CellStyle(bold: true, fontSize: 12, fontName: "宋体", horizontalAlignment: .center,
                                  verticalAlignment: .center, border: .thin, textWrap: true)
    static let amount = CellStyle(border: .thin, numberFormat: "#,##0.00")
    static let code = CellStyle(border: .thin, numberFormat: "@")
    static let input = CellStyle(border: .thin, backgroundColor: 0xFFF2CC, unlocked: true)

    /// A small disclosure-table-like workbook: title merge, header, rows, a total formula,
    /// bordered blank input cells, a hidden list sheet feeding a drop-down.
    static func writeSample(to url: URL) throws {
        let wb = try XLSXWorkbook(path: url.path, properties: XLSXDocumentProperties(title: "部门收支总表", author: "预算科"))
        let table = try wb.addSheet(name: "收支总表")
        let lists = try wb.addSheet(name: "Lists")

        try table.mergeRange(firstRow: 0, firstCol: 0, lastRow: 0, lastCol: 3, text: "2025年部门收支总表",
                             style: CellStyle(bold: true, fontSize: 16, horizontalAlignment: .center))
        for (col, title) in ["功能分类科目编码", "科目名称", "金额（万元）", "备注"].enumerated() {
            try table.writeString(1, col, title, style: header)
        }
        try table.writeNumber(2, 0, 2080501, style: code)
        try table.writeString(2, 1, "行政单位离退休")
        try table.writeNumber(2, 2, 1179406.32, style: amount)
        try table.writeBlank(2, 3, style: input)
        try table.writeString(3, 0, "2010301", style: code)
        try table.writeString(3, 1, "行政运行 & <其他> \"引号\"")
        try table.writeNumber(3, 2, -12.5, style: amount)
        try table.writeBlank(3, 3, style: input)
        try table.writeString(4, 1, "合计")
        try table.writeFormula(4, 2, "=SUM(C3:C4)", cachedValue: 1179393.82, style: amount)
        try table.writeFormula(4, 3, "=IF(C5>0,\"平衡\",\"不平衡\")", cachedString: "平衡")
        try table.writeBoolean(5, 0, true)

        try table.setColumnWidth(0, 18)
        try table.setColumnWidth(firstCol: 1, lastCol: 2, 24)
        try table.setRowHeight(0, 30)
        try table.freezePanes(row: 2, col: 0)
        try table.setPaper(.a4)
        try table.setOrientation(.landscape)
        try table.fitToPages(width: 1, height: 0)
        try table.repeatRows(first: 1, last: 1)
        try table.setMargins(left: 0.5, right: 0.5, top: 0.75, bottom: 0.75)
        try table.centerHorizontally()
        try table.setPrintArea(firstRow: 0, firstCol: 0, lastRow: 5, lastCol: 3)
        try table.setFooter("&C第 &P 页，共 &N 页")
        try table.hideGridlines()
        try table.protect()
        try table.addListValidation(firstRow: 2, firstCol: 3, lastRow: 100, lastCol: 3,
                                    source: .range("=Lists!$A$1:$A$3"),
                                    messages: .init(errorTitle: "输入错误", errorMessage: "请从下拉列表中选择"))
        try table.addListValidation(firstRow: 2, firstCol: 1, lastRow: 3, lastCol: 1,
                                    source: .values(["是", "否"]))

        for (row, item) in ["新增", "延续", "调整"].enumerated() {
            try lists.writeString(row, 0, item)
        }
        try lists.hide()
        try table.activate()
        try wb.close()
    }

    @Test func valuesComeBackAsWritten() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("sample.xlsx")
        try Self.writeSample(to: url)

        let reader = try XLSXReader(url: url)
        #expect(reader.sheets.map(\.name) == ["收支总表", "Lists"])
        #expect(reader.sheets.map(\.state) == [.visible, .hidden])
        #expect(reader.sheets.map(\.index) == [0, 1])
        #expect(reader.sheets.allSatisfy { $0.kind == .worksheet })
        #expect(reader.uses1904Dates == false)

        let sheet = try reader.read(sheet: "收支总表")
        let rows = Dictionary(uniqueKeysWithValues: sheet.rows.map { ($0.number, $0) })
        #expect(rows[1]?.value(at: 0) == .string("2025年部门收支总表"))
        // The merge's other cells are written as styled blanks by libxlsxwriter.
        #expect(rows[1]?.value(at: 3) == .empty)
        #expect(rows[2]?.cells.map(\.value) == ["功能分类科目编码", "科目名称", "金额（万元）", "备注"].map { .string($0) })
        #expect(rows[3]?.value(at: 0) == .number("2080501"))
        #expect(rows[3]?.value(at: 2) == .number("1179406.32"))
        #expect(rows[3]?.value(at: 2).doubleValue == 1179406.32)
        #expect(rows[3]?[column: 3]?.value == .empty)
        #expect((rows[3]?[column: 3]?.styleIndex ?? 0) > 0, "a bordered blank keeps its style")
        #expect(rows[4]?.value(at: 0) == .string("2010301"))
        #expect(rows[4]?.value(at: 1) == .string("行政运行 & <其他> \"引号\""))
        #expect(rows[4]?.value(at: 2) == .number("-12.5"))

        let total = rows[5]?[column: 2]
        #expect(total?.value == .number("1179393.82"))
        #expect(total?.formula == "SUM(C3:C4)")
        #expect(total?.reference == "C5")
        let check = rows[5]?[column: 3]
        #expect(check?.value == .string("平衡"))
        #expect(check?.formula == "IF(C5>0,\"平衡\",\"不平衡\")")
        #expect(rows[6]?.value(at: 0) == .bool(true))

        #expect(sheet.mergedRanges == [XLSXRange(firstRow: 1, firstColumn: 0, lastRow: 1, lastColumn: 3)])
        #expect(sheet.mergedRanges.first?.reference == "A1:D1")
        #expect(try reader.mergedRanges(sheet: "收支总表") == sheet.mergedRanges)

        let lists = try reader.rows(sheet: "lists")   // names match ignoring case, as in Excel
        #expect(lists.map { $0.value(at: 0) } == [.string("新增"), .string("延续"), .string("调整")])
    }

    @Test func printSetupAndValidationReachTheFile() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("sample.xlsx")
        try Self.writeSample(to: url)

        let xml = try zipPart(url, "xl/worksheets/sheet1.xml")
        #expect(xml.contains("paperSize=\"9\""))
        #expect(xml.contains("orientation=\"landscape\""))
        #expect(xml.contains("fitToHeight=\"0\""))
        #expect(xml.contains("<pageSetUpPr fitToPage=\"1\"/>"))
        #expect(xml.contains("horizontalCentered=\"1\""))
        #expect(xml.contains("<pane ySplit=\"2\""))
        #expect(xml.contains("<formula1>Lists!$A$1:$A$3</formula1>"))
        #expect(xml.contains("sqref=\"D3:D101\""))
        #expect(xml.contains("<formula1>\"是,否\"</formula1>"))
        #expect(xml.contains("errorTitle=\"输入错误\""))
        #expect(xml.contains("<oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter>"))
        #expect(xml.contains("showGridLines=\"0\""))
        #expect(xml.contains("<sheetProtection"))
        #expect(workbookPart(url).contains("_xlnm.Print_Area"))
        #expect(try zipPart(url, "xl/styles.xml").contains("locked=\"0\""), "input cells stay editable")
        let workbook = try zipPart(url, "xl/workbook.xml")
        #expect(workbook.contains("_xlnm.Print_Titles"))
        #expect(workbook.contains("state=\"hidden\""))
        let core = try zipPart(url, "docProps/core.xml")
        #expect(core.contains("2025-01-01T00:00:00Z"))
        #expect(core.contains("部门收支总表"))
    }

    private func workbookPart(_ url: URL) -> String {
        (try? zipPart(url, "xl/workbook.xml")) ?? ""
    }

    @Test func sameInputGivesIdenticalBytes() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let first = dir.file("a.xlsx")
        let second = dir.file("b.xlsx")
        try Self.writeSample(to: first)
        // A second apart, so an unpinned timestamp anywhere would show.
        Thread.sleep(forTimeInterval: 1.1)
        try Self.writeSample(to: second)
        let a = try Data(contentsOf: first)
        let b = try Data(contentsOf: second)
        #expect(a.count > 0)
        #expect(a == b)
    }

    @Test func stylesAreCachedOnePerDistinctStyle() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("styles.xlsx")
        let wb = try XLSXWorkbook(path: url.path)
        let sheet = try wb.addSheet(name: "S")
        for row in 0..<50 {
            try sheet.writeNumber(row, 0, Double(row), style: Self.amount)
            try sheet.writeString(row, 1, "x", style: Self.header)
            try sheet.writeBlank(row, 2, style: CellStyle(border: .thin, numberFormat: "#,##0.00"))
        }
        try wb.close()
        let styles = try zipPart(url, "xl/styles.xml")
        // Default + two distinct styles (the third equals `amount`).
        #expect(styles.contains("<cellXfs count=\"3\">"))
    }
}

/// Writer options that change the package layout still read back.
@Suite struct WriterOptionTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func optionsRoundTrip(_ constantMemory: Bool, _ useZip64: Bool) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("opts.xlsx")
        let wb = try XLSXWorkbook(path: url.path, options: .init(constantMemory: constantMemory, useZip64: useZip64))
        let sheet = try wb.addSheet(name: "预算")
        for row in 0..<100 {
            try sheet.writeString(row, 0, "科目\(row)")
            try sheet.writeNumber(row, 1, Double(row) + 0.5)
        }
        try wb.close()
        let rows = try XLSXReader(url: url).rows(sheet: "预算")
        #expect(rows.count == 100)
        #expect(rows[99].cells.map(\.value) == [.string("科目99"), .number("99.5")])
    }
}
