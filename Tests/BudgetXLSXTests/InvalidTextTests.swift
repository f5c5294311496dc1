import Foundation
import Testing
@testable import BudgetXLSX

/// Text that is not UTF-8, or a reference to a character XML does not allow, is refused with the
/// sheet, the cell and what was wrong, never turned into U+FFFD or kept literally (issue 10:
/// `café` in Latin-1 was stored as `caf�`, a memo cut mid-character was stored cut).
@Suite struct InvalidTextTests {
    /// A sheet 数据 whose B2 holds `cell` (inline), between two good cells.
    private func sheet(_ cell: String) -> String {
        sheetXML(#"<row r="1"><c r="A1" t="inlineStr"><is><t>备注</t></is></c></row>"#
            + #"<row r="2"><c r="A2" t="inlineStr"><is><t>前</t></is></c>"# + cell
            + #"<c r="C2" t="inlineStr"><is><t>后</t></is></c></row>"#)
    }

    private func readError(_ url: URL) -> XLSXReadError? {
        caught(XLSXReadError.self) {
            let reader = try XLSXReader(url: url)
            for s in reader.sheets { _ = try reader.read(sheet: s.name) }
        }
    }

    private func inlineCell(_ text: String) -> String { #"<c r="B2" t="inlineStr"><is><t>"# + text + "</t></is></c>" }

    @Test func latin1InAnInlineString() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("latin1.xlsx")
        try makeWorkbookZip(at: url, sheets: [("数据", sheet(inlineCell("caf«E9»")))], rawBytes: ["«E9»": [0xE9]])
        let error = readError(url)
        #expect(error?.kind == .invalidText)
        #expect(error?.message.hasPrefix("工作表“数据”单元格 B2 的文字无法按原样读取：“caf”之后的字节 0xE9 不是有效的 UTF-8 编码") == true,
                "\(error?.message ?? "no error")")
        #expect(error?.detail.contains("xl/worksheets/sheet1.xml cell B2") == true)
    }

    /// 备注 is E5 A4 87 E6 B3 A8; cut after E6 B3.
    @Test func memoCutMidCharacter() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("cut.xlsx")
        try makeWorkbookZip(at: url, sheets: [("数据", sheet(inlineCell("«CUT»")))],
                            rawBytes: ["«CUT»": [0xE5, 0xA4, 0x87, 0xE6, 0xB3]])
        let error = readError(url)
        #expect(error?.kind == .invalidText)
        #expect(error?.message.contains("单元格 B2") == true)
        #expect(error?.message.contains("“备”之后的字节 0xE6 0xB3 不是有效的 UTF-8") == true, "\(error?.message ?? "no error")")
    }

    /// The bytes may be cut across the tokenizer's chunks: the UTF-8 of the whole text is checked.
    @Test func validTextCutAcrossChunksStillReads() throws {
        let text = String(repeating: "预算编制工作台", count: 20_000)   // 420 KB: several 64 KiB chunks
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("long.xlsx")
        try makeWorkbookZip(at: url, sheets: [("数据", sheet(inlineCell(text)))])
        let rows = try XLSXReader(url: url).rows(sheet: "数据")
        #expect(rows[1].cells.map(\.value) == [.string("前"), .string(text), .string("后")])
    }

    @Test func invalidSharedStringNamesTheCellThatUsesIt() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("sst.xlsx")
        try makeWorkbookZip(
            at: url,
            sheets: [("数据", sheet(#"<c r="B2" t="s"><v>1</v></c>"#)), ("好", sheet(#"<c r="B2" t="s"><v>0</v></c>"#))],
            sharedStrings: "<sst><si><t>好的</t></si><si><t>caf«E9»</t></si></sst>", rawBytes: ["«E9»": [0xE9]])
        let reader = try XLSXReader(url: url)
        // A sheet that does not use the bad string reads.
        #expect(try reader.rows(sheet: "好")[1].cells.map(\.value) == [.string("前"), .string("好的"), .string("后")])
        let error = caught(XLSXReadError.self) { _ = try reader.rows(sheet: "数据") }
        #expect(error?.kind == .invalidText)
        #expect(error?.message.hasPrefix("工作表“数据”单元格 B2 的文字（共享字符串第 2 项）无法按原样读取：“caf”之后的字节 0xE9") == true,
                "\(error?.message ?? "no error")")
    }

    @Test func invalidSheetName() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("name.xlsx")
        try makeWorkbookZip(at: url, sheets: [("好", sheetXML("")), ("支出«C0»", sheetXML(""))], rawBytes: ["«C0»": [0xC0, 0xAF]])
        let error = caught(XLSXReadError.self) { _ = try XLSXReader(url: url) }
        #expect(error?.kind == .invalidText)
        #expect(error?.message.hasPrefix("工作簿中第 2 个工作表的名称无法按原样读取：“支出”之后的字节 0xC0 0xAF 不是有效的 UTF-8") == true,
                "\(error?.message ?? "no error")")
        #expect(error?.detail.contains("xl/workbook.xml") == true)
    }

    /// Character references to what is not an XML character, and references that are not references.
    static let badReferences: [(text: String, says: String)] = [
        ("&#0;", "字符引用 &#0; 是 XML 不允许的字符 U+0000"),
        ("&#x0;", "U+0000"),
        ("&#1;", "U+0001"),
        ("&#x1F;", "U+001F"),
        ("&#xFFFE;", "U+FFFE"),
        ("&#xFFFF;", "U+FFFF"),
        ("&#xD800;", "字符引用 &#xD800; 是 UTF-16 代理项"),
        ("&#xDFFF;", "代理项"),
        ("&#55296;", "代理项"),
        ("&#x110000;", "字符引用 &#x110000; 超出 Unicode 的范围"),
        ("&#1114112;", "超出 Unicode 的范围"),
        ("&#x99999999999999999999;", "超出 Unicode 的范围"),
        ("&#;", "没有数字"),
        ("&#x;", "没有数字"),
        ("&#12a;", "非数字"),
        ("&#xG1;", "非数字"),
        ("&nbsp;", "未知的实体引用 &nbsp;"),
        ("A & B", "“&”之后不是以“;”结束的实体引用"),
        ("&amp", "“&”之后不是以“;”结束的实体引用"),
    ]

    @Test(arguments: badReferences)
    func badReferenceInACellIsRefused(_ text: String, _ says: String) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("ref.xlsx")
        try makeWorkbookZip(at: url, sheets: [("数据", sheet(inlineCell(text)))])
        let error = readError(url)
        #expect(error?.kind == .invalidText, "\(text)")
        #expect(error?.message.contains("工作表“数据”单元格 B2 的文字") == true, "\(text): \(error?.message ?? "no error")")
        #expect(error?.message.contains(says) == true, "\(text): \(error?.message ?? "no error")")

        // In a shared string, named with the cell that uses it.
        let shared = dir.file("ref-sst.xlsx")
        try makeWorkbookZip(at: shared, sheets: [("数据", sheet(#"<c r="B2" t="s"><v>0</v></c>"#))],
                            sharedStrings: "<sst><si><t>\(text)</t></si></sst>")
        let sharedError = readError(shared)
        #expect(sharedError?.kind == .invalidText, "\(text)")
        #expect(sharedError?.message.contains("单元格 B2 的文字（共享字符串第 1 项）") == true, "\(text)")
        #expect(sharedError?.message.contains(says) == true, "\(text): \(sharedError?.message ?? "no error")")

        // In a sheet name.
        let named = dir.file("ref-name.xlsx")
        try makeWorkbookZip(at: named, sheets: [("表\(text)", sheetXML(""))])
        let nameError = caught(XLSXReadError.self) { _ = try XLSXReader(url: named) }
        #expect(nameError?.kind == .invalidText, "\(text)")
        #expect(nameError?.message.contains("工作簿中第 1 个工作表的名称") == true, "\(text)")
    }

    /// What XML allows reads as written: the edges of the ranges, leading zeros, tab and line ends.
    @Test func goodReferencesRead() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("good.xlsx")
        let text = "&#x10FFFF;&#xFFFD;&#xE000;&#xD7FF;&#x20;&#9;&#xA;&#x0000000041;&#0066;"
        try makeWorkbookZip(at: url, sheets: [("数据", sheet(inlineCell(text)))])
        let rows = try XLSXReader(url: url).rows(sheet: "数据")
        #expect(rows[1].cells.map(\.value) == [.string("前"), .string("\u{10FFFF}\u{FFFD}\u{E000}\u{D7FF} \t\nAB"), .string("后")])
    }

    /// A raw control character is no more allowed than its reference; tab, LF and CR are.
    @Test func rawControlCharacterIsRefused() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("control.xlsx")
        try makeWorkbookZip(at: url, sheets: [("数据", sheet(inlineCell("a«01»b")))], rawBytes: ["«01»": [0x01]])
        let error = readError(url)
        #expect(error?.kind == .invalidText)
        #expect(error?.message.contains("单元格 B2") == true)
        #expect(error?.message.contains("“a”之后有 XML 不允许的字符 U+0001") == true, "\(error?.message ?? "no error")")

        let fine = dir.file("tab.xlsx")
        try makeWorkbookZip(at: fine, sheets: [("数据", sheet(inlineCell("a«09»b")))], rawBytes: ["«09»": [0x09]])
        #expect(try XLSXReader(url: fine).rows(sheet: "数据")[1].value(at: 1) == .string("a\tb"))
        // Excel's own escape for a control character, _x0001_, is the file's text and is read.
        let escaped = dir.file("escaped.xlsx")
        try makeWorkbookZip(at: escaped, sheets: [("数据", sheet(inlineCell("a_x0001_b")))])
        #expect(try XLSXReader(url: escaped).rows(sheet: "数据")[1].value(at: 1) == .string("a\u{1}b"))
    }

    /// Invalid bytes in a value, a formula and a merged range's reference are refused too.
    @Test func invalidBytesInValuesAndFormulas() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        for (cell, says) in [(#"<c r="B2"><v>1«FF»</v></c>"#, "单元格 B2 的文字"),
                             (#"<c r="B2" t="str"><f>A1&amp;"«FF»"</f><v>x</v></c>"#, "单元格 B2 的公式文字"),
                             (#"<c r="B2" t="str"><v>«FF»</v></c>"#, "单元格 B2 的文字"),
                             (#"<c r="B2" t="e"><v>#N/A«FF»</v></c>"#, "单元格 B2 的文字")] {
            let url = dir.file("bytes.xlsx")
            try makeWorkbookZip(at: url, sheets: [("数据", sheet(cell))], rawBytes: ["«FF»": [0xFF]])
            let error = readError(url)
            #expect(error?.kind == .invalidText, "\(cell)")
            #expect(error?.message.contains(says) == true, "\(cell): \(error?.message ?? "no error")")
            #expect(error?.message.contains("0xFF") == true, "\(cell)")
        }
        let url = dir.file("merge.xlsx")
        try makeWorkbookZip(at: url, sheets: [("数据", sheetXML("", after: #"<mergeCells><mergeCell ref="A1:B«FF»"/></mergeCells>"#))],
                            rawBytes: ["«FF»": [0xFF]])
        let error = readError(url)
        #expect(error?.kind == .invalidText)
        #expect(error?.message.contains("工作表“数据”的合并单元格范围") == true, "\(error?.message ?? "no error")")
    }

    /// The UTF-8 check against the standard library's, over random byte strings.
    @Test func utf8CheckAgreesWithTheStandardLibrary() {
        var rng = FuzzTests.SeededGenerator(state: 5)
        let interesting: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF,
                                    0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEE, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0xBE]
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...8, using: &rng)).map { _ in
                Bool.random(using: &rng) ? interesting.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            let problem = bytes.withUnsafeBufferPointer { XMLText.firstProblem(in: $0) }
            let standard = String(validating: bytes, as: UTF8.self)
            let xmlChars = standard?.unicodeScalars.allSatisfy { XMLText.isXMLCharacter($0.value) } ?? false
            #expect((problem == nil) == (standard != nil && xmlChars), "\(bytes)")
        }
    }
}
