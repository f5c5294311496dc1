import BudgetCore
import BudgetDisclosure
import BudgetPublish
import BudgetXLSX
import Foundation
import Testing
import ZIPFoundation

@Suite("Structure chart and performance sheets in the XLSX")
struct ChartAndSheetTests {
    static func entries(_ url: URL) throws -> [String: String] {
        let archive = try Archive(url: url, accessMode: .read)
        var out: [String: String] = [:]
        for e in archive {
            var d = Data()
            _ = try archive.extract(e) { d.append($0) }
            out[e.path] = String(decoding: d, as: UTF8.self)
        }
        return out
    }

    @Test("the chart's figures are section 五（二）'s: 类 amounts in 万元 and shares of 5,500.87")
    func figures() throws {
        let chart = StructureChart(budget: try demoBudget())
        #expect(chart.total.wanHundredths == 550_087)
        #expect(chart.slices.map(\.code) == ["208", "210", "220", "221", "222"])
        #expect(chart.slices.map { StructureChart.percentText($0.share) } == ["12.14%", "4.13%", "76.77%", "5.80%", "1.15%"])
        // The seed's sentence, figure for figure.
        let seed = try seedText()
        for s in chart.slices {
            let amount = Money.hundredthsText(s.amount.wanHundredths, grouped: true)
            #expect(seed.contains("\(s.name)\(amount)万元,占\(StructureChart.percentText(s.share))"), "\(s.name)")
        }
    }

    @Test("the native pie chart is written and read back: chart part, drawing, series over the sheet's cells")
    func nativeChart() throws {
        try withTemporaryFolder { dir in
            let url = dir.appendingPathComponent("chart.xlsx")
            let wb = try XLSXWorkbook(path: url.path)
            try StructureChart(budget: try demoBudget()).addSheet(to: wb)
            try PerformanceSheetsXLSX.add(try #require(try demoData().targets), year: 2025, to: wb)
            try wb.close()
            let parts = try ChartAndSheetTests.entries(url)
            let chart = try #require(parts["xl/charts/chart1.xml"])
            #expect(chart.contains("<c:pieChart>"))
            #expect(chart.contains("<c:f>'结构图'!$B$3:$B$7</c:f>") && chart.contains("<c:f>'结构图'!$C$3:$C$7</c:f>"))
            #expect(chart.contains("一般公共预算当年拨款结构图"))
            // Category and percentage, not the value (section 五 states the shares).
            #expect(chart.contains("<c:showCatName val=\"1\"/><c:showPercent val=\"1\"/>") && !chart.contains("<c:showVal"))
            #expect(parts["xl/drawings/drawing1.xml"] != nil)
            #expect(parts["[Content_Types].xml"]!.contains("/xl/charts/chart1.xml"))
            // One sheet per performance target after the chart's sheet.
            let workbook = parts["xl/workbook.xml"]!
            #expect(workbook.contains("name=\"结构图\"") && workbook.contains("name=\"绩效目标10\""))
            #expect(parts["xl/worksheets/sheet11.xml"] != nil && parts["xl/worksheets/sheet12.xml"] == nil)
            #expect(parts["xl/sharedStrings.xml"]!.contains("补充耕地指标回购资金"))
            #expect(parts["xl/worksheets/sheet2.xml"]!.contains("<mergeCell ref=\"B3:H3\"/>"))
        }
    }

    @Test("a chart over a bad range is refused with the call named")
    func badChart() throws {
        try withTemporaryFolder { dir in
            let wb = try XLSXWorkbook(path: dir.appendingPathComponent("bad.xlsx").path)
            let sheet = try wb.addSheet(name: "数据")
            let bad = XLSXPieChart(title: "图", categories: .init(sheet: "数据", firstRow: 3, lastRow: 1, column: 0),
                                   values: .init(sheet: "数据", firstRow: 3, lastRow: 1, column: 1))
            #expect(throws: XLSXError.self) { try wb.insertPieChart(bad, into: sheet, row: 0, col: 3) }
            let uneven = XLSXPieChart(title: "图", categories: .init(sheet: "数据", firstRow: 0, lastRow: 2, column: 0),
                                      values: .init(sheet: "数据", firstRow: 0, lastRow: 1, column: 1))
            #expect(throws: XLSXError.self) { try wb.insertPieChart(uneven, into: sheet, row: 0, col: 3) }
        }
    }

    @Test("the performance sheet layout: every position covered once, the seed's rows in order")
    func layout() throws {
        let targets = try #require(try demoData().targets)
        for t in targets {
            let sheet = PerformanceSheet(t, year: 2025)
            let map = try #require(sheet.grid.coverage(), "\(t.sheet) overlaps")
            #expect(map.allSatisfy { $0.allSatisfy { $0 != nil } }, "\(t.sheet) has holes")
        }
        let first = PerformanceSheet(targets[0], year: 2025)
        let labels = first.grid.cells.filter { $0.column == 0 }.map(\.text)
        #expect(labels == ["项目名称", "主管部门及代码", "项目属性", "项目资金(元)", "项目概况", "立项依据", "项目设立必要性",
                           "保证项目实施的制度、措施", "项目实施计划", "总体目标", "绩效指标"])
        #expect(first.subtitle == "(2025年度)")
        #expect(first.signature == "负责人:    经办人:    联系电话:    填报日期:20250117161320")
    }

    @Test("the 政府采购预算 sheet: section 九's totals by category and 十二's 政府购买服务, read back from the XLSX")
    func procurementSheet() throws {
        let budget = try demoBudget()
        let lines = try #require(try demoData().procurement)
        let table = ProcurementSheet(lines, budget: budget)
        let map = try #require(table.grid.coverage())
        #expect(map.allSatisfy { $0.allSatisfy { $0 != nil } })
        try withTemporaryFolder { dir in
            let url = dir.appendingPathComponent("采购.xlsx")
            let wb = try XLSXWorkbook(path: url.path)
            try ProcurementSheetXLSX.add(table, to: wb)
            try wb.close()
            let rows = try XLSXReader(url: url).rows(sheet: ProcurementSheetXLSX.sheetName)
            func text(_ r: XLSXRow, _ c: Int) -> String { if case .string(let s) = r.value(at: c) { return s } else { return "" } }
            let body = rows.map { r in (0..<6).map { text(r, $0) } }
            #expect(body[0] == ["2025年政府采购预算表", "", "", "", "", ""])
            #expect(body[1][0] == "部门名称：泽州县自然资源局　　单位：万元")
            #expect(body[2] == ProcurementSheet.header)
            // The seed: 政府采购预算总额3.20万元, 其中货物3.20万元, 工程 0, 服务 0; 政府购买服务 3.20万元.
            #expect(body.dropFirst(3).map { [$0[0], $0[1], $0[2], $0[4]] } == [
                ["政府采购预算合计", "", "", "3.20"],
                ["其中：政府采购货物预算", "", "", "3.20"],
                ["货物", "泽州县自然资源局", "基本支出", "3.20"],
                ["其中：政府采购工程预算", "", "", ""],
                ["其中：政府采购服务预算", "", "", ""],
                ["政府购买服务预算合计", "", "", "3.20"],
                ["政府购买服务", "泽州县自然资源局", "基本支出", "3.20"],
            ])
        }
    }
}
