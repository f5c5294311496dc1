import Foundation
import Testing
@testable import BudgetXLSX

/// An empty cell reads as empty, whatever form its writer chose, and never as the text of the
/// cell before it (issue 10: openpyxl's `<c r="G232" t="inlineStr"></c>` came back as `基本支出`).
@Suite struct EmptyCellTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Rows 1…5, columns A…F of the fixture's first sheet; `nil` where the file has no cell.
    private func grid(_ name: String) throws -> [[XLSXValue?]] {
        let reader = try XLSXReader(url: Self.fixtures.appendingPathComponent(name))
        // LibreOffice names the sheet after the CSV file; the others 数据.
        let rows = try reader.rows(sheet: try #require(reader.sheets.first).name)
        return (1...5).map { number in
            let row = rows.first { $0.number == number }
            return (0..<6).map { column in row?[column: column]?.value }
        }
    }

    private static let header: [XLSXValue?] = [.string("预算单位"), .string("项目"), .string("项目类别"),
                                                .string("金额"), .string("备注"), nil]

    /// openpyxl writes an empty string as `<c r=".." t="inlineStr"></c>`, a styled blank as `<c s="1" t="n"></c>`.
    @Test func openpyxl() throws {
        let g = try grid("openpyxl-empty-strings.xlsx")
        #expect(g[0] == Self.header)
        #expect(g[1] == [.string("080001"), .string("基本支出"), .empty, .number("1200.5"), .empty, nil])
        #expect(g[2] == [.string("080001"), .empty, .string("其他运转类"), .number("0"), .string("说明"), .empty])
        #expect(g[3] == [.empty, .string("项目甲"), .string("特定目标类"), .number("3"), .empty, nil])
        #expect(g[4] == [.string("080002"), .empty, .empty, nil, .string("末尾"), nil])
    }

    /// pandas' openpyxl engine also writes None (NaN) as an empty inline string (D5).
    @Test func pandasWithOpenpyxl() throws {
        let g = try grid("pandas-openpyxl-empty-strings.xlsx")
        #expect(g[0] == Self.header)
        #expect(g[1] == [.string("080001"), .string("基本支出"), .empty, .number("1200.5"), .empty, nil])
        #expect(g[2] == [.string("080001"), .empty, .string("其他运转类"), .number("0"), .string("说明"), nil])
        #expect(g[3] == [.empty, .string("项目甲"), .string("特定目标类"), .number("3"), .empty, nil])
        #expect(g[4] == [.string("080002"), .empty, .empty, .empty, .string("末尾"), nil])
    }

    /// xlsxwriter leaves empty strings out: the neighbours keep their own shared strings.
    @Test func pandasWithXlsxwriter() throws {
        let g = try grid("pandas-xlsxwriter-empty-strings.xlsx")
        #expect(g[0] == Self.header)
        #expect(g[1] == [.string("080001"), .string("基本支出"), nil, .number("1200.5"), nil, nil])
        #expect(g[2] == [.string("080001"), nil, .string("其他运转类"), .number("0"), .string("说明"), nil])
        #expect(g[3] == [nil, .string("项目甲"), .string("特定目标类"), .number("3"), nil, nil])
        #expect(g[4] == [.string("080002"), nil, nil, nil, .string("末尾"), nil])
    }

    /// LibreOffice, converting a CSV (`soffice --headless --convert-to xlsx`), writes no cell for an empty field.
    @Test func libreOfficeFromCSV() throws {
        let g = try grid("libreoffice-empty-strings.xlsx")
        #expect(g[0] == Self.header)
        #expect(g[1] == [.string("080001"), .string("基本支出"), nil, .number("1200.5"), nil, nil])
        #expect(g[2] == [.string("080001"), nil, .string("其他运转类"), .number("0"), .string("说明"), nil])
        #expect(g[3] == [nil, .string("项目甲"), .string("特定目标类"), .number("3"), nil, nil])
        #expect(g[4] == [.string("080002"), nil, nil, nil, .string("末尾"), nil])
    }

    /// Every empty form a writer may use, with the value it must read as. `@` stands for the reference.
    static let emptyForms: [(xml: String, value: XLSXValue)] = [
        (#"<c r="@" t="inlineStr"/>"#, .empty),
        (#"<c r="@" t="inlineStr"></c>"#, .empty),
        (#"<c r="@" t="inlineStr"><is/></c>"#, .string("")),
        (#"<c r="@" t="inlineStr"><is></is></c>"#, .string("")),
        (#"<c r="@" t="inlineStr"><is><t/></is></c>"#, .string("")),
        (#"<c r="@" t="inlineStr"><is><t></t></is></c>"#, .string("")),
        (#"<c r="@" t="inlineStr"><is><t xml:space="preserve"></t></is></c>"#, .string("")),
        (#"<c r="@" t="inlineStr"><is><r><t/></r></is></c>"#, .string("")),
        (#"<c r="@" t="inlineStr"><is><rPh sb="0" eb="1"><t>カナ</t></rPh></is></c>"#, .string("")),
        (#"<c r="@" t="inlineStr"><v></v></c>"#, .string("")),
        (#"<c r="@" t="s"/>"#, .empty),
        (#"<c r="@" t="s"></c>"#, .empty),
        (#"<c r="@" t="s"><v></v></c>"#, .empty),
        (#"<c r="@" t="str"/>"#, .empty),
        (#"<c r="@" t="str"><v/></c>"#, .string("")),
        (#"<c r="@" t="str"><v></v></c>"#, .string("")),
        (#"<c r="@"/>"#, .empty),
        (#"<c r="@"></c>"#, .empty),
        (#"<c r="@"><v></v></c>"#, .empty),
        (#"<c r="@"><v/></c>"#, .empty),
        (#"<c r="@" t="n"><v/></c>"#, .empty),
        (#"<c r="@" s="3"/>"#, .empty),
        (#"<c r="@" s="1" t="n"></c>"#, .empty),
        (#"<c r="@" t="b"/>"#, .empty),
        (#"<c r="@" t="b"><v></v></c>"#, .empty),
        (#"<c r="@" t="e"/>"#, .empty),
        (#"<c r="@" t="d"/>"#, .empty),
        (#"<c r="@" t="d"><v/></c>"#, .empty),
    ]

    /// Cells that leave state behind them: text, shared text, a number, a formula with its text result.
    static let neighbours: [(xml: String, value: XLSXValue, formula: String?)] = [
        (#"<c r="@" t="inlineStr"><is><t>基本支出</t></is></c>"#, .string("基本支出"), nil),
        (#"<c r="@" t="s"><v>1</v></c>"#, .string("项目类别甲"), nil),
        (#"<c r="@"><v>7</v></c>"#, .number("7"), nil),
        (#"<c r="@" t="str"><f>A1&amp;"x"</f><v>结果</v></c>"#, .string("结果"), "A1&\"x\""),
        (#"<c r="@" t="inlineStr"><is><r><t>富</t></r><r><t>文本</t></r></is></c>"#, .string("富文本"), nil),
    ]

    private func cell(_ xml: String, _ reference: String) -> String {
        xml.replacingOccurrences(of: "\"@\"", with: "\"\(reference)\"")
    }

    /// Each form between two neighbours (B1 between A1 and C1) and first in the next row (A2,
    /// after row 1's last cell): the form's value, and the neighbours' values and formulas.
    @Test func everyEmptyFormBetweenEveryNeighbour() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        for (n, form) in Self.emptyForms.enumerated() {
            for (k, neighbour) in Self.neighbours.enumerated() {
                let rows = "<row r=\"1\">" + cell(neighbour.xml, "A1") + cell(form.xml, "B1") + cell(neighbour.xml, "C1")
                    + "</row><row r=\"2\">" + cell(form.xml, "A2") + cell(neighbour.xml, "B2") + "</row>"
                    + "<row r=\"3\">" + cell(neighbour.xml, "A3") + "</row>"
                    + "<row r=\"4\">" + cell(form.xml, "A4") + "</row>"
                let url = dir.file("form-\(n)-\(k).xlsx")
                try makeWorkbookZip(at: url, sheets: [("表", sheetXML(rows))],
                                    sharedStrings: "<sst><si><t>零</t></si><si><t>项目类别甲</t></si></sst>")
                let read = try XLSXReader(url: url).rows(sheet: "表")
                let label = "form \(form.xml) after \(neighbour.xml)"
                #expect(read.map(\.number) == [1, 2, 3, 4], "\(label)")
                guard read.count == 4 else { continue }
                #expect(read[0].cells.map(\.value) == [neighbour.value, form.value, neighbour.value], "\(label)")
                #expect(read[0].cells.map(\.formula) == [neighbour.formula, nil, neighbour.formula], "\(label)")
                #expect(read[0].cells.map(\.reference) == ["A1", "B1", "C1"], "\(label)")
                #expect(read[1].cells.map(\.value) == [form.value, neighbour.value], "\(label)")
                #expect(read[1].cells.map(\.formula) == [nil, neighbour.formula], "\(label)")
                #expect(read[2].cells.map(\.value) == [neighbour.value], "\(label)")
                #expect(read[3].cells.map(\.value) == [form.value], "\(label)")
                #expect(read[3].cells.map(\.formula) == [nil], "\(label)")
            }
        }
    }

    /// A style-only cell keeps its style index and reads as empty.
    @Test func styleOnlyCellKeepsItsStyle() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("styled.xlsx")
        try makeWorkbookZip(at: url, sheets: [("表", sheetXML(
            #"<row r="1"><c r="A1" s="2" t="inlineStr"><is><t>甲</t></is></c><c r="B1" s="3"/><c r="C1" s="4"><v>1</v></c></row>"#))])
        let row = try #require(try XLSXReader(url: url).rows(sheet: "表").first)
        #expect(row.cells.map(\.value) == [.string("甲"), .empty, .number("1")])
        #expect(row.cells.map(\.styleIndex) == [2, 3, 4])
    }
}
