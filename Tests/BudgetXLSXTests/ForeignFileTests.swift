import Foundation
import Testing
@testable import BudgetXLSX

/// Files as Excel, WPS and LibreOffice write them: shared strings with rich text, inline strings,
/// formula results, errors, namespace prefixes, missing `r` attributes, CJK date formats.
@Suite struct ForeignFileTests {
    static let sharedStrings = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="5" uniqueCount="5">\
        <si><t>一般公共预算拨款收入</t></si>\
        <si><r><rPr><b/></rPr><t>加粗</t></r><r><t xml:space="preserve"> 与普通 </t></r></si>\
        <si><t>日本</t><rPh sb="0" eb="2"><t>ニホン</t></rPh><phoneticPr fontId="1"/></si>\
        <si><t>A &amp; B &lt;C&gt; &quot;D&quot; &apos;E&apos; &#20013;&#x6587;</t></si>\
        <si><t>第一行_x000D_\r\n第二行 _x005F_x0041_</t></si>\
        </sst>
        """

    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="4">\
        <numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>\
        <numFmt numFmtId="165" formatCode="0.00_ ;[Red]\\-0.00\\ "/>\
        <numFmt numFmtId="166" formatCode="&quot;d&quot;0"/>\
        <numFmt numFmtId="167" formatCode="[h]:mm"/>\
        </numFmts>\
        <cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>\
        <cellXfs count="8"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164"/>\
        <xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="31"/><xf numFmtId="49"/><xf numFmtId="167"/></cellXfs>\
        <dxfs count="1"><dxf><numFmt numFmtId="168" formatCode="yyyy"/></dxf></dxfs>\
        </styleSheet>
        """

    static let sheet = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r
        <x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\r
        <x:dimension ref="A1:F6"/>\r
        <x:sheetData>\r
          <x:row r="1" spans="1:6">\r
            <x:c r="A1" t="s"><x:v>0</x:v></x:c>\r
            <x:c r="B1" t="s"><x:v>1</x:v></x:c>\r
            <x:c r="C1" t="s"><x:v>2</x:v></x:c>\r
            <x:c r="D1" t="s"><x:v>3</x:v></x:c>\r
            <x:c r="E1" t="s"><x:v>4</x:v></x:c>\r
          </x:row>\r
          <x:row r="3">\r
            <x:c r="A3"><x:v>2080501</x:v></x:c>\r
            <x:c r="B3"><x:v>2.08E+06</x:v></x:c>\r
            <x:c r="C3" s="3"><x:v>1179406.32</x:v></x:c>\r
            <x:c r="D3" t="inlineStr"><x:is><x:r><x:t>内联</x:t></x:r><x:r><x:t xml:space="preserve"> 富文本</x:t></x:r></x:is></x:c>\r
            <x:c r="E3" t="str"><x:f>A1&amp;"x"</x:f><x:v>结果</x:v></x:c>\r
            <x:c r="F3" t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c>\r
          </x:row>\r
          <x:row>\r
            <x:c t="b"><x:v>0</x:v></x:c>\r
            <x:c><x:f>SUM(A3:B3)</x:f></x:c>\r
            <x:c s="1"><x:v>45658</x:v></x:c>\r
            <x:c r="E4"><x:f t="shared" ref="E4:E5" si="0">A4+1</x:f><x:v>1</x:v></x:c>\r
          </x:row>\r
          <x:row r="5">\r
            <x:c r="E5"><x:f t="shared" si="0"/><x:v>2</x:v></x:c>\r
            <x:c r="F5" s="2"><x:v>45658.5</x:v></x:c>\r
          </x:row>\r
          <x:row r="6" ht="20" customHeight="1"/>\r
          <x:row r="7"><x:c r="A7" t="d"><x:v>2025-01-01T12:00:00</x:v></x:c><x:c r="B7" s="6"><x:v>7</x:v></x:c><x:c r="C7" t="inlineStr"><x:is><x:t><![CDATA[a<b]]></x:t></x:is></x:c></x:row>\r
        </x:sheetData>\r
        <x:mergeCells count="2"><x:mergeCell ref="A1:B1"/><x:mergeCell ref="C5:F6"/></x:mergeCells>\r
        <!-- a comment with <tags> inside -->\r
        </x:worksheet>\r\n
        """

    private func reader(in dir: TempDir, workbookExtra: String = "") throws -> XLSXReader {
        let url = dir.file("foreign.xlsx")
        try makeWorkbookZip(at: url, sheets: [("数据", Self.sheet), ("隐藏", sheetXML(""))],
                            sharedStrings: Self.sharedStrings, styles: Self.styles,
                            workbookExtra: workbookExtra, hiddenSheets: ["隐藏"])
        return try XLSXReader(url: url)
    }

    @Test func everyCellKind() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let reader = try reader(in: dir)
        #expect(reader.sheets.map(\.name) == ["数据", "隐藏"])
        #expect(reader.sheets.map(\.state) == [.visible, .hidden])
        let sheet = try reader.read(sheet: "数据")
        let rows = sheet.rows
        #expect(rows.map(\.number) == [1, 3, 4, 5, 6, 7])

        #expect(rows[0].cells.map(\.value) == [
            .string("一般公共预算拨款收入"),
            .string("加粗 与普通 "),
            .string("日本"),
            .string("A & B <C> \"D\" 'E' 中文"),
            .string("第一行\r\n第二行 _x0041_"),
        ])

        let r3 = rows[1]
        #expect(r3.value(at: 0) == .number("2080501"))
        #expect(r3.value(at: 1) == .number("2.08E+06"))
        #expect(r3.value(at: 1).doubleValue == 2_080_000)
        #expect(r3.value(at: 2) == .number("1179406.32"), "a red-negative format is not a date")
        #expect(r3.value(at: 3) == .string("内联 富文本"))
        #expect(r3[column: 4]?.value == .string("结果"))
        #expect(r3[column: 4]?.formula == "A1&\"x\"")
        #expect(r3.value(at: 5) == .error("#DIV/0!"))
        #expect(r3[column: 5]?.reference == "F3")

        // Row and cells without r: counted on from the previous row and cell.
        let r4 = rows[2]
        #expect(r4.cells.map(\.reference) == ["A4", "B4", "C4", "E4"])
        #expect(r4.value(at: 0) == .bool(false))
        #expect(r4.value(at: 1) == .formulaWithoutValue("SUM(A3:B3)"))
        #expect(r4.value(at: 2) == .date("45658"))
        #expect(r4.value(at: 4) == .number("1"))

        let r5 = rows[3]
        #expect(r5[column: 4]?.value == .number("2"))
        #expect(r5[column: 4]?.formula == "", "a shared formula's child has no text of its own")
        #expect(r5.value(at: 5) == .date("45658.5"))
        #expect(rows[4].cells.isEmpty)

        let r7 = rows[5]
        #expect(r7.value(at: 0) == .date("45658.5"), "t=\"d\" ISO text becomes the serial")
        #expect(r7.value(at: 1) == .number("7"), "numFmt 49 is text (@), not a date")
        #expect(r7.value(at: 2) == .string("a<b"))

        #expect(sheet.mergedRanges.map(\.reference) == ["A1:B1", "C5:F6"])
        #expect(try reader.rows(sheet: "隐藏").isEmpty)
    }

    @Test func date1904IsReported() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let reader = try reader(in: dir, workbookExtra: "<workbookPr date1904=\"1\"/>")
        #expect(reader.uses1904Dates)
    }

    @Test func stoppingEarlyByThrowing() throws {
        struct Enough: Error {}
        let dir = try TempDir()
        defer { dir.remove() }
        let reader = try reader(in: dir)
        var seen = 0
        #expect(throws: Enough.self) {
            try reader.forEachRow(sheet: "数据") { _ in
                seen += 1
                if seen == 2 { throw Enough() }
            }
        }
        #expect(seen == 2)
        // The reader is still usable afterwards.
        #expect(try reader.rows(sheet: "数据").count == 6)
    }
}
