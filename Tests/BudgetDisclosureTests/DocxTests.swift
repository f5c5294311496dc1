import BudgetCore
import BudgetDisclosure
import BudgetDocx
import BudgetPublish
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import ZIPFoundation

/// The DOCX is checked two ways: our own unzip + XML check (and DocumentFigureTests' reader), and
/// python-docx reading it back (Fixtures/read_docx.py; scripts/setup.sh installs python3-docx, so it
/// runs on CI; a machine without it skips that one test).
@Suite("DOCX writer and the disclosure document")
struct DocxTests {
    static func demoDocument() throws -> DocxDocument {
        try DisclosureDocument.build(try DocumentFigureTests.demoInput())
    }

    /// Entry name → bytes, in the zip's order.
    static func unzip(_ bytes: [UInt8]) throws -> [(String, [UInt8])] {
        let archive = try Archive(data: Data(bytes), accessMode: .read)
        return try archive.map { entry in
            var out = Data()
            _ = try archive.extract(entry, skipCRC32: false) { out.append($0) }
            return (entry.path, [UInt8](out))
        }
    }

    final class Collector: NSObject, XMLParserDelegate {
        var texts: [String] = [], elements: [String] = [], current = "", inText = false
        func parser(_ parser: XMLParser, didStartElement e: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
            elements.append(e)
            if e == "w:t" { inText = true }
            if e == "w:p" { current = "" }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }
        func parser(_ parser: XMLParser, didEndElement e: String, namespaceURI: String?, qualifiedName: String?) {
            if e == "w:t" { inText = false }
            if e == "w:p" { texts.append(current) }
        }
    }

    static func parse(_ xml: [UInt8]) -> Collector? {
        let c = Collector()
        let p = XMLParser(data: Data(xml))
        p.delegate = c
        return p.parse() ? c : nil
    }

    @Test("the same document gives the same bytes")
    func deterministic() throws {
        let a = try DocxWriter.data(try DocxTests.demoDocument())
        let b = try DocxWriter.data(try DocxTests.demoDocument())
        #expect(a == b)
        #expect(a.count > 10_000)
        // The first local header's MS-DOS time and date: 00:00:00, 2025-01-01 (not the clock, not the zone).
        #expect(Array(a[10..<14]) == [0x00, 0x00, 0x21, 0x5A])
    }

    @Test("the package: every part well-formed XML, declared in [Content_Types].xml, related, in a fixed order")
    func package() throws {
        let entries = try DocxTests.unzip(try DocxWriter.data(try DocxTests.demoDocument()))
        #expect(entries.map(\.0) == ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml",
                                     "word/document.xml", "word/styles.xml", "word/settings.xml", "word/fontTable.xml",
                                     "word/footer1.xml", "word/_rels/document.xml.rels", "word/media/image1.png"])
        let parts = Dictionary(uniqueKeysWithValues: entries)
        for (name, bytes) in entries where !name.hasSuffix(".png") {
            #expect(DocxTests.parse(bytes) != nil, "\(name) is not well-formed XML")
        }
        let types = String(decoding: parts["[Content_Types].xml"]!, as: UTF8.self)
        for name in entries.map(\.0) where name.hasPrefix("word/") && name.hasSuffix(".xml") || name.hasPrefix("docProps/") {
            #expect(types.contains("PartName=\"/\(name)\""), "\(name) not declared")
        }
        let rels = String(decoding: parts["word/_rels/document.xml.rels"]!, as: UTF8.self)
        for target in ["styles.xml", "settings.xml", "fontTable.xml", "footer1.xml", "media/image1.png"] {
            #expect(rels.contains("Target=\"\(target)\""))
        }
        let doc = String(decoding: parts["word/document.xml"]!, as: UTF8.self)
        #expect(doc.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"))
        // The cover has no page number: a first page of its own with no footer referenced for it.
        #expect(doc.contains("<w:cols w:space=\"425\"/><w:titlePg/><w:docGrid") && !doc.contains("w:type=\"first\""))
        #expect(String(decoding: parts["word/footer1.xml"]!, as: UTF8.self).contains(" PAGE "))
        let styles = String(decoding: parts["word/styles.xml"]!, as: UTF8.self)
        #expect(styles.contains("w:eastAsia=\"宋体\"") && styles.contains("w:eastAsia=\"黑体\""))
        #expect(String(decoding: parts["docProps/core.xml"]!, as: UTF8.self).contains("2025-01-01T00:00:00Z"))
        // Every 3 / 5 / 9 / 10 / 11 / 12 sentence of the demo is in the document's text.
        let texts = DocxTests.parse(parts["word/document.xml"]!)!.texts
        #expect(texts.contains("2025年泽州县自然资源局政府采购预算总额3.20万元。其中:政府采购货物预算3.20万元、政府采购工程预算0万元、政府采购服务预算0万元。"))
        #expect(texts.contains("截至2024年12月31日，泽州县自然资源局使用的办公用房建筑总面积3234.56平方米。"))
        #expect(texts.contains { $0.hasSuffix("2025年本单位政府性购买预算支出3.20万元。") })
        #expect(texts.contains("2025年泽州县自然资源局纳入绩效目标管理的项目6个,共计金额9,050.47万元。其中:其他运转类项目3个,涉及金额306.47万元;特定目标类项目3个,涉及金额8,744.00万元。公开项目绩效目标6个,涉及项目金额9,050.47万元,占部门(单位)项目支出总额的94.90%。"))
        #expect(texts.contains("十二、财政拨款：包含一般公共预算、政府性基金预算、国有资本经营预算。"))
        // Only 十 1 (部门整体支出绩效目标: the workbench has no such data) is left to the clerk.
        #expect(texts.filter { $0.hasPrefix(DisclosureDocument.markerPrefix) }.count == 1)
        // The structure chart's legend: the figures of section 五（二）.
        for figure in ["667.92", "12.14%", "4222.91", "76.77%", "63.50", "1.15%"] { #expect(texts.contains(figure), "\(figure)") }
    }

    @Test("tables: merged cells cover the grid exactly; a broken merge is refused, not written")
    func tables() throws {
        var g = SheetGrid(columnWidths: [1, 1, 1])
        g.put(0, 0, "A", .label, rows: 2)
        g.put(0, 1, "B", .header, columns: 2)
        g.put(1, 1, "C", .value)
        let doc = DocxDocument(blocks: [.table(DocxTable(columnWidths: [1000, 1000, 1000], rows: [
            DocxTableRow(cells: [DocxTableCell("A", verticalMerge: .start), DocxTableCell("B", span: 2)]),
            DocxTableRow(cells: [DocxTableCell("", verticalMerge: .continued), DocxTableCell("C"), DocxTableCell("")]),
        ]))])
        let xml = String(decoding: try DocxTests.unzip(try DocxWriter.data(doc)).first { $0.0 == "word/document.xml" }!.1, as: UTF8.self)
        #expect(xml.contains("<w:gridSpan w:val=\"2\"/>") && xml.contains("<w:vMerge w:val=\"restart\"/>") && xml.contains("<w:vMerge/>"))
        let short = DocxDocument(blocks: [.table(DocxTable(columnWidths: [1000, 1000], rows: [DocxTableRow(cells: [DocxTableCell("A")])]))])
        #expect(throws: DocxError.self) { try DocxWriter.data(short) }
        let orphan = DocxDocument(blocks: [.table(DocxTable(columnWidths: [1000], rows: [DocxTableRow(cells: [DocxTableCell("", verticalMerge: .continued)])]))])
        #expect(throws: DocxError.self) { try DocxWriter.data(orphan) }
        let control = DocxDocument(blocks: [.paragraph(DocxParagraph("a\u{07}b"))])
        #expect(throws: DocxError.self) { try DocxWriter.data(control) }
    }

    @Test("a PNG the writer embeds is a valid PNG: signature, IHDR, CRCs")
    func png() throws {
        var img = try PNGImage(width: 3, height: 2)
        img.set(1, 1, (255, 0, 0))
        let png = img.pngData
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        // Walk the chunks and check each CRC (IEND's CRC is always AE 42 60 82).
        var i = 8, types: [String] = []
        while i + 8 <= png.count {
            let n = Int(png[i]) << 24 | Int(png[i + 1]) << 16 | Int(png[i + 2]) << 8 | Int(png[i + 3])
            types.append(String(decoding: png[(i + 4)..<(i + 8)], as: UTF8.self))
            i += 12 + n
        }
        #expect(types == ["IHDR", "IDAT", "IEND"] && i == png.count)
        #expect(Array(png.suffix(4)) == [0xAE, 0x42, 0x60, 0x82])
        #expect(throws: DocxError.self) { try PNGImage(width: 0, height: 1) }
    }

    static let pythonDocx: Bool = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import docx"]
        p.standardError = FileHandle.nullDevice
        do { try p.run(); p.waitUntilExit(); return p.terminationStatus == 0 } catch { return false }
    }()

    @Test("python-docx reads the document back: styles, tables, picture, page size, properties",
          .enabled(if: DocxTests.pythonDocx, "python3 with python-docx is not installed"))
    func pythonDocxReadsIt() throws {
        try withTemporaryFolder { dir in
            let file = dir.appendingPathComponent("公开.docx")
            try DocxWriter.write(try DocxTests.demoDocument(), to: file)
            let p = Process()
            let out = Pipe()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", Paths.fixtures.appendingPathComponent("read_docx.py").path, file.path]
            p.standardOutput = out
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
            let r = try JSONSerialization.jsonObject(with: data) as! [String: Any]
            #expect(r["page"] as? [Int] == [11906, 16838])
            #expect(r["title"] as? String == "泽州县自然资源局2025年度部门预算公开")
            #expect(r["pictures"] as? Int == 1)
            // The 13 tables, the chart's legend and the 10 performance sheets.
            let tables = r["tables"] as! [[[String]]]
            #expect(tables.count == 24)
            #expect(tables[0][2][0] == "一、一般公共预算" && tables[0][2][1] == "5500.87")
            #expect(tables[14][0] == ["项目名称"] + Array(repeating: "“两高”沿线可视范围废弃场地生态环境综合治理项目", count: 7))
            let styles = Set((r["paragraphs"] as! [[String]]).map { $0[0] })
            #expect(styles.isSuperset(of: ["Title", "Heading 1", "Heading 2", "Body Text", "Marker"]))
            #expect((r["paragraphs"] as! [[String]]).contains(["Heading 1", "第四部分 名词解释"]))
        }
    }
}
