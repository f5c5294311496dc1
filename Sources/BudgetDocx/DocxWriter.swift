import BudgetFiles
import Foundation
import ZIPFoundation

/// Why a document could not be written. Nothing is written when any is thrown.
public struct DocxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Writes a `DocxDocument` as a .docx (WordprocessingML in a ZIP), deterministically: the parts
/// are written in a fixed order with a fixed modification time and fixed document properties,
/// so the same document gives byte-identical files.
///
/// The package is the minimal one Word, WPS and LibreOffice open without a repair prompt:
/// [Content_Types].xml, _rels/.rels, docProps/core.xml and app.xml, word/document.xml,
/// styles.xml, settings.xml, fontTable.xml, footer1.xml, word/_rels/document.xml.rels and
/// word/media/imageN.png. Every table is checked (each row covers the grid exactly, each
/// vertical merge continues a cell above) because a table Word has to repair is a repair prompt.
public enum DocxWriter {
    /// Limits: a document larger than this (text and pictures) is refused rather than built in memory.
    public static let maxBytes = 256 << 20
    public static let maxTableColumns = 63

    /// The .docx bytes.
    public static func data(_ document: DocxDocument) throws(DocxError) -> [UInt8] {
        var body = DocxBody()
        for block in document.blocks { try body.append(block) }
        let parts = DocxParts(document: document, body: body)
        var entries: [(String, [UInt8])] = [
            ("[Content_Types].xml", parts.contentTypes),
            ("_rels/.rels", parts.packageRelationships),
            ("docProps/core.xml", parts.core),
            ("docProps/app.xml", parts.app),
            ("word/document.xml", parts.document),
            ("word/styles.xml", parts.styles),
            ("word/settings.xml", parts.settings),
            ("word/fontTable.xml", parts.fontTable),
            ("word/_rels/document.xml.rels", parts.documentRelationships),
        ]
        if document.pageNumbers { entries.insert(("word/footer1.xml", parts.footer), at: 8) }
        for (i, png) in body.pictures.enumerated() { entries.append(("word/media/image\(i + 1).png", png)) }
        let size = entries.reduce(0) { $0 + $1.1.count }
        if size > maxBytes { throw DocxError("文档超过上限 \(maxBytes) 字节（\(size) 字节）") }
        return try zip(entries)
    }

    /// Writes the file atomically: a temporary file beside it, renamed over the target.
    public static func write(_ document: DocxDocument, to url: URL) throws {
        let bytes = try data(document)
        // Written beside the target, flushed and renamed (AtomicFile), as every writer of the workbench.
        try AtomicFile.write(Data(bytes), to: url)
    }

    /// The entries' modification time: ZIPFoundation 0.9.20 converts it with `gmtime`, so the
    /// pinned UTC instant gives the same MS-DOS stamp (2025-01-01 00:00:00) in every time zone.
    static let entryDate = DocxProperties.pinnedDate

    static func zip(_ entries: [(String, [UInt8])]) throws(DocxError) -> [UInt8] {
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for (path, bytes) in entries {
                let data = Data(bytes)
                // Every part is deflated, pictures too: `PNGImage` stores its pixels uncompressed.
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                                     modificationDate: entryDate, permissions: 0o644, compressionMethod: .deflate,
                                     provider: { position, size in
                                         data.subdata(in: Int(position)..<Int(position) + size)
                                     })
            }
            guard let out = archive.data else { throw DocxError("ZIP 打包失败：没有得到数据") }
            return [UInt8](out)
        } catch let e as DocxError {
            throw e
        } catch {
            throw DocxError("ZIP 打包失败（\(error)）")
        }
    }
}

/// XML text escaping for element content and attribute values. Characters XML 1.0 cannot hold
/// (control characters other than tab, LF and CR; U+FFFE, U+FFFF) are refused, never dropped.
enum XML {
    static func escape(_ s: String) throws(DocxError) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(u)
            default:
                if u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF {
                    throw DocxError("文字中有 XML 不能容纳的控制字符 U+\(String(u.value, radix: 16, uppercase: true))")
                }
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}

/// word/document.xml's body as it is built, and the pictures it refers to (rIdImageN).
struct DocxBody {
    var xml = ""
    var pictures: [[UInt8]] = []

    mutating func append(_ block: DocxBlock) throws(DocxError) {
        switch block {
        case .paragraph(let p): xml += try paragraph(p)
        case .table(let t): xml += try table(t)
        case .pageBreak: xml += #"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#
        }
    }

    mutating func paragraph(_ p: DocxParagraph) throws(DocxError) -> String {
        var s = "<w:p><w:pPr><w:pStyle w:val=\"\(p.style.rawValue)\"/>"
        if p.keepNext { s += "<w:keepNext/>" }
        if let a = p.alignment { s += "<w:jc w:val=\"\(a.rawValue)\"/>" }
        s += "</w:pPr>"
        for r in p.runs { s += try run(r) }
        return s + "</w:p>"
    }

    mutating func run(_ r: DocxRun) throws(DocxError) -> String {
        if let pic = r.picture { return try picture(pic) }
        var s = "<w:r>"
        if r.bold || r.color != nil {
            s += "<w:rPr>"
            if r.bold { s += "<w:b/><w:bCs/>" }
            if let c = r.color {
                let hex = String(c & 0xFF_FFFF, radix: 16, uppercase: true)
                s += "<w:color w:val=\"\(String(repeating: "0", count: 6 - hex.count) + hex)\"/>"
            }
            s += "</w:rPr>"
        }
        // Tabs and line feeds are elements in WordprocessingML; text goes in w:t pieces between them.
        var piece = ""
        func flush() throws(DocxError) {
            if piece.isEmpty { return }
            s += "<w:t xml:space=\"preserve\">\(try XML.escape(piece))</w:t>"
            piece = ""
        }
        for ch in r.text {
            switch ch {
            case "\t": try flush(); s += "<w:tab/>"
            case "\n", "\r\n": try flush(); s += "<w:br/>"
            case "\r": continue
            default: piece.append(ch)
            }
        }
        try flush()
        return s + "</w:r>"
    }

    mutating func picture(_ p: DocxPicture) throws(DocxError) -> String {
        guard p.png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            throw DocxError("图片“\(p.description)”不是 PNG 文件")
        }
        guard p.width > 0, p.height > 0, p.width <= 20 * 914_400, p.height <= 20 * 914_400 else {
            throw DocxError("图片“\(p.description)”的尺寸 \(p.width)×\(p.height) EMU 不在 1 到 20 英寸之间")
        }
        pictures.append(p.png)
        let n = pictures.count
        let d = try XML.escape(p.description)
        return """
        <w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="\(p.width)" cy="\(p.height)"/>\
        <wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="\(n)" name="图片 \(n)" descr="\(d)"/>\
        <wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>\
        <a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">\
        <pic:pic><pic:nvPicPr><pic:cNvPr id="\(n)" name="image\(n).png" descr="\(d)"/><pic:cNvPicPr/></pic:nvPicPr>\
        <pic:blipFill><a:blip r:embed="rIdImage\(n)"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>\
        <pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="\(p.width)" cy="\(p.height)"/></a:xfrm>\
        <a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>\
        </wp:inline></w:drawing></w:r>
        """
    }

    mutating func table(_ t: DocxTable) throws(DocxError) -> String {
        let n = t.columnWidths.count
        guard n > 0, n <= DocxWriter.maxTableColumns else {
            throw DocxError("表格有 \(n) 列：须为 1 到 \(DocxWriter.maxTableColumns) 列")
        }
        guard t.columnWidths.allSatisfy({ $0 > 0 && $0 <= 31_680 }) else { throw DocxError("表格列宽须为 1 到 31680 twip") }
        guard !t.rows.isEmpty else { throw DocxError("表格没有行") }
        let width = t.columnWidths.reduce(0, +)
        var s = "<w:tbl><w:tblPr><w:tblW w:w=\"\(width)\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblBorders>"
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            s += "<w:\(side) w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
        }
        s += "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"57\" w:type=\"dxa\"/>"
        s += "<w:right w:w=\"57\" w:type=\"dxa\"/></w:tblCellMar><w:tblLook w:val=\"0000\"/></w:tblPr><w:tblGrid>"
        for w in t.columnWidths { s += "<w:gridCol w:w=\"\(w)\"/>" }
        s += "</w:tblGrid>"
        // What each grid column holds in the row above: nil, or the (start column, span) of a
        // cell that a `.continued` cell below may merge with.
        var above: [Int: Int] = [:]
        var headerRun = true
        for (ri, row) in t.rows.enumerated() {
            if !row.isHeader { headerRun = false }
            if row.isHeader, !headerRun { throw DocxError("表格第 \(ri + 1) 行：表头行只能在表格开头") }
            var col = 0
            var here: [Int: Int] = [:]
            s += "<w:tr>"
            if row.isHeader || row.cantSplit {
                s += "<w:trPr>" + (row.cantSplit ? "<w:cantSplit/>" : "") + (row.isHeader ? "<w:tblHeader/>" : "") + "</w:trPr>"
            }
            for cell in row.cells {
                guard cell.span >= 1, col + cell.span <= n else {
                    throw DocxError("表格第 \(ri + 1) 行：单元格超出表格的 \(n) 列")
                }
                if cell.verticalMerge == .continued, above[col] != cell.span {
                    throw DocxError("表格第 \(ri + 1) 行第 \(col + 1) 列：纵向合并的单元格上方没有同宽的单元格")
                }
                if cell.verticalMerge != .none { here[col] = cell.span }
                let w = t.columnWidths[col..<(col + cell.span)].reduce(0, +)
                s += "<w:tc><w:tcPr><w:tcW w:w=\"\(w)\" w:type=\"dxa\"/>"
                if cell.span > 1 { s += "<w:gridSpan w:val=\"\(cell.span)\"/>" }
                switch cell.verticalMerge {
                case .none: break
                case .start: s += "<w:vMerge w:val=\"restart\"/>"
                case .continued: s += "<w:vMerge/>"
                }
                s += "<w:vAlign w:val=\"\(cell.verticalAlignment.rawValue)\"/></w:tcPr>"
                // A cell must hold at least one paragraph; a continued cell's text is not shown.
                let paragraphs = cell.verticalMerge == .continued || cell.paragraphs.isEmpty
                    ? [DocxParagraph("", style: .tableText)] : cell.paragraphs
                for p in paragraphs { s += try paragraph(p) }
                s += "</w:tc>"
                col += cell.span
            }
            guard col == n else { throw DocxError("表格第 \(ri + 1) 行只覆盖 \(col) 列，表格有 \(n) 列") }
            s += "</w:tr>"
            above = here
        }
        // A paragraph after every table: Word needs one before the section end, and two tables
        // in a row would otherwise merge into one.
        return s + "</w:tbl><w:p><w:pPr><w:pStyle w:val=\"TableText\"/></w:pPr></w:p>"
    }
}
