import Foundation

/// The XML parts of the package. Fonts: 宋体 (SimSun) for text and 黑体 (SimHei) for titles and
/// headings, named in `w:eastAsia` so Chinese text takes them while Latin letters and digits take
/// Times New Roman; the font table carries their English names and the GB2312 charset, so an
/// application without them substitutes a CJK font instead of a Latin one.
struct DocxParts {
    let document: [UInt8]
    let contentTypes: [UInt8]
    let packageRelationships: [UInt8]
    let documentRelationships: [UInt8]
    let core: [UInt8]
    let app: [UInt8]
    let styles: [UInt8]
    let settings: [UInt8]
    let fontTable: [UInt8]
    let footer: [UInt8]

    static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    static let w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    static let r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    init(document doc: DocxDocument, body: DocxBody) {
        let h = DocxParts.header, w = DocxParts.w, r = DocxParts.r
        let m = doc.margins
        var sect = "<w:sectPr>"
        if doc.pageNumbers { sect += "<w:footerReference w:type=\"default\" r:id=\"rIdFooter1\"/>" }
        sect += "<w:pgSz w:w=\"\(DocxDocument.pageWidth)\" w:h=\"\(DocxDocument.pageHeight)\"/>"
        sect += "<w:pgMar w:top=\"\(m.top)\" w:right=\"\(m.right)\" w:bottom=\"\(m.bottom)\" w:left=\"\(m.left)\" w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/>"
        sect += "<w:cols w:space=\"425\"/>"
        // A first page without a footer (no `first` footer is referenced): the cover has no page number.
        if doc.pageNumbers && doc.unnumberedFirstPage { sect += "<w:titlePg/>" }
        sect += "<w:docGrid w:linePitch=\"312\"/></w:sectPr>"
        document = Array((h + """
        <w:document xmlns:w="\(w)" xmlns:r="\(r)" \
        xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" \
        xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" \
        xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>
        """ + body.xml + sect + "</w:body></w:document>").utf8)

        var types = h + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        types += "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        types += "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        if !body.pictures.isEmpty { types += "<Default Extension=\"png\" ContentType=\"image/png\"/>" }
        let wml = "application/vnd.openxmlformats-officedocument.wordprocessingml"
        types += "<Override PartName=\"/word/document.xml\" ContentType=\"\(wml).document.main+xml\"/>"
        types += "<Override PartName=\"/word/styles.xml\" ContentType=\"\(wml).styles+xml\"/>"
        types += "<Override PartName=\"/word/settings.xml\" ContentType=\"\(wml).settings+xml\"/>"
        types += "<Override PartName=\"/word/fontTable.xml\" ContentType=\"\(wml).fontTable+xml\"/>"
        if doc.pageNumbers { types += "<Override PartName=\"/word/footer1.xml\" ContentType=\"\(wml).footer+xml\"/>" }
        types += "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
        types += "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
        contentTypes = Array((types + "</Types>").utf8)

        let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        packageRelationships = Array((h + """
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="\(rel)/officeDocument" Target="word/document.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
        <Relationship Id="rId3" Type="\(rel)/extended-properties" Target="docProps/app.xml"/>\
        </Relationships>
        """).utf8)

        var docRels = h + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        docRels += "<Relationship Id=\"rIdStyles\" Type=\"\(rel)/styles\" Target=\"styles.xml\"/>"
        docRels += "<Relationship Id=\"rIdSettings\" Type=\"\(rel)/settings\" Target=\"settings.xml\"/>"
        docRels += "<Relationship Id=\"rIdFontTable\" Type=\"\(rel)/fontTable\" Target=\"fontTable.xml\"/>"
        if doc.pageNumbers { docRels += "<Relationship Id=\"rIdFooter1\" Type=\"\(rel)/footer\" Target=\"footer1.xml\"/>" }
        for i in body.pictures.indices {
            docRels += "<Relationship Id=\"rIdImage\(i + 1)\" Type=\"\(rel)/image\" Target=\"media/image\(i + 1).png\"/>"
        }
        documentRelationships = Array((docRels + "</Relationships>").utf8)

        let when = DocxParts.w3cdtf(doc.properties.created)
        // Escaping cannot fail for these: the writer checked the texts of the body, and the
        // properties are escaped leniently (a control character in a title becomes a space).
        let title = DocxParts.lenient(doc.properties.title), author = DocxParts.lenient(doc.properties.author)
        core = Array((h + """
        <cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
        xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
        xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
        <dc:title>\(title)</dc:title><dc:creator>\(author)</dc:creator><cp:lastModifiedBy>\(author)</cp:lastModifiedBy>\
        <cp:revision>1</cp:revision>\
        <dcterms:created xsi:type="dcterms:W3CDTF">\(when)</dcterms:created>\
        <dcterms:modified xsi:type="dcterms:W3CDTF">\(when)</dcterms:modified></cp:coreProperties>
        """).utf8)
        app = Array((h + """
        <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" \
        xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
        <Application>Budget Workbench</Application><DocSecurity>0</DocSecurity></Properties>
        """).utf8)
        styles = Array((h + DocxParts.stylesXML).utf8)
        settings = Array((h + """
        <w:settings xmlns:w="\(w)"><w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>\
        <w:characterSpacingControl w:val="compressPunctuation"/>\
        <w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>\
        </w:settings>
        """).utf8)
        fontTable = Array((h + """
        <w:fonts xmlns:w="\(w)">\
        <w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>\
        <w:font w:name="宋体"><w:altName w:val="SimSun"/><w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>\
        <w:font w:name="黑体"><w:altName w:val="SimHei"/><w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>\
        </w:fonts>
        """).utf8)
        footer = Array((h + """
        <w:ftr xmlns:w="\(w)" xmlns:r="\(r)"><w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="center"/></w:pPr>\
        <w:r><w:t xml:space="preserve">第 </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>\
        <w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>\
        <w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> 页</w:t></w:r></w:p></w:ftr>
        """).utf8)
    }

    static func lenient(_ s: String) -> String {
        let cleaned = String(String.UnicodeScalarView(s.unicodeScalars.map {
            ($0.value < 0x20 || $0.value == 0xFFFE || $0.value == 0xFFFF) ? " " : $0
        }))
        return (try? XML.escape(cleaned)) ?? ""
    }

    /// `2025-01-01T00:00:00Z`.
    static func w3cdtf(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var g = tm()
        gmtime_r(&t, &g)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(g.tm_year + 1900)-\(two(g.tm_mon + 1))-\(two(g.tm_mday))T\(two(g.tm_hour)):\(two(g.tm_min)):\(two(g.tm_sec))Z"
    }

    /// Run properties of a font pair: Latin text in Times New Roman, Chinese in `eastAsia`.
    static func fonts(_ eastAsia: String) -> String {
        "<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"\(eastAsia)\" w:cs=\"Times New Roman\" w:hint=\"eastAsia\"/>"
    }

    static func paragraphStyle(_ id: String, name: String, basedOn: String? = "Normal", next: String? = nil,
                               pPr: String = "", rPr: String = "", outline: Int? = nil, qFormat: Bool = true) -> String {
        var s = "<w:style w:type=\"paragraph\" w:styleId=\"\(id)\"><w:name w:val=\"\(name)\"/>"
        if let b = basedOn { s += "<w:basedOn w:val=\"\(b)\"/>" }
        if let n = next { s += "<w:next w:val=\"\(n)\"/>" }
        if qFormat { s += "<w:qFormat/>" }
        var p = pPr
        if let o = outline { p += "<w:outlineLvl w:val=\"\(o)\"/>" }
        if !p.isEmpty { s += "<w:pPr>\(p)</w:pPr>" }
        if !rPr.isEmpty { s += "<w:rPr>\(rPr)</w:rPr>" }
        return s + "</w:style>"
    }

    static var stylesXML: String {
        let song = fonts("宋体"), hei = fonts("黑体")
        var s = "<w:styles xmlns:w=\"\(w)\"><w:docDefaults><w:rPrDefault><w:rPr>\(song)"
        s += "<w:kern w:val=\"2\"/><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/><w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/>"
        s += "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:widowControl w:val=\"0\"/><w:jc w:val=\"both\"/></w:pPr></w:pPrDefault></w:docDefaults>"
        s += "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>"
        s += "<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\"><w:name w:val=\"Default Paragraph Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/></w:style>"
        s += "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:semiHidden/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>"
        s += paragraphStyle("Title", name: "Title", next: "BodyText",
                            pPr: "<w:keepNext/><w:spacing w:before=\"240\" w:after=\"240\"/><w:jc w:val=\"center\"/>",
                            rPr: hei + "<w:b/><w:bCs/><w:sz w:val=\"44\"/><w:szCs w:val=\"44\"/>", outline: 0)
        s += paragraphStyle("Heading1", name: "heading 1", next: "BodyText",
                            pPr: "<w:keepNext/><w:pageBreakBefore w:val=\"0\"/><w:spacing w:before=\"360\" w:after=\"240\"/><w:jc w:val=\"center\"/>",
                            rPr: hei + "<w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/>", outline: 0)
        s += paragraphStyle("Heading2", name: "heading 2", next: "BodyText",
                            pPr: "<w:keepNext/><w:spacing w:before=\"240\" w:after=\"120\"/><w:ind w:firstLineChars=\"200\" w:firstLine=\"560\"/>",
                            rPr: hei + "<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/>", outline: 1)
        s += paragraphStyle("Heading3", name: "heading 3", next: "BodyText",
                            pPr: "<w:keepNext/><w:spacing w:before=\"120\" w:after=\"60\" w:line=\"360\" w:lineRule=\"auto\"/><w:ind w:firstLineChars=\"200\" w:firstLine=\"480\"/>",
                            rPr: song + "<w:b/><w:bCs/>", outline: 2)
        s += paragraphStyle("BodyText", name: "Body Text",
                            pPr: "<w:spacing w:after=\"0\" w:line=\"360\" w:lineRule=\"auto\"/><w:ind w:firstLineChars=\"200\" w:firstLine=\"480\"/><w:jc w:val=\"both\"/>",
                            rPr: song)
        s += paragraphStyle("Contents", name: "toc 2",
                            pPr: "<w:spacing w:after=\"0\" w:line=\"360\" w:lineRule=\"auto\"/><w:ind w:left=\"480\"/><w:jc w:val=\"left\"/>",
                            rPr: song)
        s += paragraphStyle("TableTitle", name: "Table Title", next: "TableNote",
                            pPr: "<w:keepNext/><w:spacing w:before=\"240\" w:after=\"120\"/><w:jc w:val=\"center\"/>",
                            rPr: hei + "<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/>")
        s += paragraphStyle("TableNote", name: "Table Note",
                            pPr: "<w:keepNext/><w:spacing w:after=\"60\"/><w:jc w:val=\"left\"/>",
                            rPr: song + "<w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/>")
        s += paragraphStyle("TableText", name: "Table Text",
                            pPr: "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/><w:jc w:val=\"left\"/>",
                            rPr: song + "<w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>")
        s += paragraphStyle("Caption", name: "caption",
                            pPr: "<w:spacing w:before=\"60\" w:after=\"120\"/><w:jc w:val=\"center\"/>",
                            rPr: hei + "<w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/>")
        s += paragraphStyle("Marker", name: "Marker", basedOn: "BodyText",
                            rPr: "<w:b/><w:bCs/><w:color w:val=\"C00000\"/><w:highlight w:val=\"yellow\"/>")
        s += paragraphStyle("Footer", name: "footer", pPr: "<w:jc w:val=\"center\"/>",
                            rPr: song + "<w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/>", qFormat: false)
        return s + "</w:styles>"
    }
}
