import BudgetCore
import BudgetExport
import BudgetTables
import BudgetXLSX
import Foundation
import Testing

/// The printed pages: one type size for all tables, page numbers, repeated headers, amount columns
/// of one width, 类 rows set apart and 款/项 names indented.
@Suite("Export: printed pages")
struct PrintLayoutTests {
    /// A4 inside the exporter's 0.4-inch side margins, in points.
    static func printable(landscape: Bool) -> Double { ((landscape ? 11.69 : 8.27) - 0.8) * 72 }
    /// Excel's width of a column of `w` character units as written, in points (7-pixel digit, 96 dpi).
    /// libxlsxwriter writes the width with its 5-pixel padding included.
    static func points(_ w: Double) -> Double { (w * 7).rounded() * 0.75 }

    @Test("every sheet needs the same fraction of its page width, and is fitted one page wide: one scale for all")
    func oneScale() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let parts = try XLSXParts(try Fixtures.exportDemo(to: dir))
        var scales: [Double] = []
        for n in 1...13 {
            let part = "xl/worksheets/sheet\(n).xml"
            let xml = try parts.text(part)
            #expect(xml.contains("<pageSetUpPr fitToPage=\"1\"/>"), "sheet\(n) fitted to the page")
            #expect(xml.contains("fitToHeight=\"0\""), "sheet\(n) runs down as many pages as it needs")
            let landscape = xml.contains("orientation=\"landscape\"")
            let width = try parts.columnWidths(part).values.reduce(0) { $0 + Self.points($1) }
            scales.append(Self.printable(landscape: landscape) / width)
        }
        let (lo, hi) = (scales.min()!, scales.max()!)
        // Pixel rounding of each column allows a little spread; before, it was 0.68 … 1.52.
        #expect(hi - lo < 0.01, "fit-to-width scales \(scales.map { Int($0 * 100) })")
        #expect(lo <= 1.0)
    }

    @Test("a header row is tall enough for its wrapped cells (mof-9 表2 printed 国有资本经营预算拨款收入 over 本年收入)")
    func headerRowsFitTheirText() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("nine.xlsx")
        let mof = Fixtures.root.appendingPathComponent("Templates/tables/mof-9")
        _ = try DisclosureExport.run(budget: try Fixtures.demoBudget(), templates: try TableTemplateSet.load(mof), out: out)
        let parts = try XLSXParts(out)
        // 表2's second header row (row 5): amount columns narrower than texts of 10–12 characters: two lines.
        let sheet2 = try parts.text("xl/worksheets/sheet2.xml")
        let row5 = try #require(sheet2.firstMatch(of: /<row r="5"[^>]*ht="([\d.]+)"[^>]*customHeight="1"/), "row 5 has a set height")
        #expect(Double(row5.1)! >= 2 * 13.5, "row 5 height \(row5.1)")
        // A body row keeps the default height.
        #expect(sheet2.firstMatch(of: /<row r="7"[^>]*customHeight/) == nil)
    }

    @Test("page numbers in the footer and the header rows repeated on every sheet")
    func footerAndTitles() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let parts = try XLSXParts(try Fixtures.exportDemo(to: dir))
        for n in 1...13 {
            let xml = try parts.text("xl/worksheets/sheet\(n).xml")
            #expect(xml.contains("<oddFooter>&amp;C第 &amp;P 页 共 &amp;N 页</oddFooter>"), "sheet\(n) footer")
        }
        let book = try parts.text("xl/workbook.xml")
        #expect(book.matches(of: /_xlnm.Print_Titles/).count == 13)
        // 表3: the two header rows (4 and 5) repeat.
        #expect(book.contains("'表3 预算支出总表'!$4:$5"))
    }

    @Test("the amount columns of each table have one width")
    func amountColumnsOneWidth() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let parts = try XLSXParts(try Fixtures.exportDemo(to: dir))
        let budget = try Fixtures.demoBudget()
        let tables = TableBuilder(budget: budget, rollup: Rollup(budget: budget)).build(try TableTemplateSet.load(Fixtures.templates))
        for (i, t) in tables.enumerated() {
            let widths = try parts.columnWidths("xl/worksheets/sheet\(i + 1).xml")
            let amount = Set(t.columns.indices.filter { t.columns[$0].kind == .amount }.map { widths[$0] ?? -1 })
            #expect(amount.count == 1, "\(t.sheetName): amount column widths \(amount.sorted { ($0 ?? 0) < ($1 ?? 0) })")
        }
    }

    @Test("类 rows bold; 款 names one level in, 项 names two (表3 and 表6)")
    func levels() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try Fixtures.exportDemo(to: dir)
        let formats = try XLSXParts(url).cellFormats()
        let reader = try XLSXReader(url: url)
        func format(_ sheet: String, _ code: String, column: Int) throws -> (bold: Bool, indent: Int) {
            let row = try #require(try reader.rows(sheet: sheet).first { $0.value(at: 0) == .string(code) }, "\(sheet) \(code)")
            let cell = try #require(row[column: column])
            return formats[cell.styleIndex]
        }
        let t3 = "表3 预算支出总表"
        let cls = try format(t3, "208", column: 1), kuan = try format(t3, "20805", column: 1), xiang = try format(t3, "2080501", column: 1)
        #expect(cls.bold && cls.indent == 0)
        #expect(!kuan.bold && kuan.indent == 1)
        #expect(!xiang.bold && xiang.indent == 2)
        #expect(try format(t3, "208", column: 2).bold, "a 类 row's figures are bold too")
        #expect(try !format(t3, "2080501", column: 2).bold)
        // 表6: economic 类 rows bold, their 款 rows one level in.
        let t6 = "表6 一般公共预算基本支出分经济科目表"
        #expect(try format(t6, "工资福利支出", column: 0).bold)
        #expect(try format(t6, "基本工资", column: 0).indent == 1)
    }

    @Test("a split table is laid out as in the whole export, so it prints at the same size")
    func splitKeepsLayout() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try DisclosureExport.run(budget: try Fixtures.demoBudget(), templates: try TableTemplateSet.load(Fixtures.templates),
                                     out: dir.appendingPathComponent("all.xlsx"), split: dir.appendingPathComponent("split"))
        let whole = try XLSXParts(dir.appendingPathComponent("all.xlsx")).columnWidths("xl/worksheets/sheet7.xml")
        let one = try XLSXParts(dir.appendingPathComponent("split/表7 政府性基金预算收入表.xlsx")).columnWidths("xl/worksheets/sheet1.xml")
        #expect(whole == one)
    }

    @Test("split files are byte-identical from one export to the next")
    func splitDeterministic() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let budget = try Fixtures.demoBudget(), templates = try TableTemplateSet.load(Fixtures.templates)
        for name in ["a", "b"] {
            _ = try DisclosureExport.run(budget: budget, templates: templates, out: dir.appendingPathComponent("\(name).xlsx"),
                                         split: dir.appendingPathComponent(name))
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("a").path).sorted()
        #expect(files.count == 13)
        for f in files {
            #expect(try Data(contentsOf: dir.appendingPathComponent("a/\(f)")) == Data(contentsOf: dir.appendingPathComponent("b/\(f)")), "\(f)")
        }
    }
}
