import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// Reads a .docx back the way a reader of the published file would: unzip, parse word/document.xml
/// with an XML parser (not the writer's code), and collect the body in order: paragraphs with their
/// style and text, tables as grids of cell texts (a merged cell's text at its first grid position,
/// the positions it covers nil). Only what the tests compare; no dependency on BudgetDocx.
struct DocxReader {
    enum Block: Equatable {
        case paragraph(style: String, text: String)
        case table([[String?]])
    }

    var blocks: [Block] = []

    init(file bytes: [UInt8]) throws {
        let archive = try Archive(data: Data(bytes), accessMode: .read)
        guard let entry = archive["word/document.xml"] else { throw ReadError("no word/document.xml") }
        var xml = Data()
        _ = try archive.extract(entry, skipCRC32: false) { xml.append($0) }
        let collector = Collector()
        let parser = XMLParser(data: xml)
        parser.delegate = collector
        guard parser.parse() else { throw ReadError("word/document.xml is not well-formed: \(String(describing: parser.parserError))") }
        if let e = collector.error { throw ReadError(e) }
        blocks = collector.blocks
    }

    struct ReadError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// Paragraph texts in order.
    var paragraphs: [String] { blocks.compactMap { if case .paragraph(_, let t) = $0 { return t } else { return nil } } }

    /// The table following the paragraph whose text is `label` (the document prints 预算公开表N, title and
    /// notes before each table).
    func table(after label: String) -> [[String?]]? {
        guard let i = blocks.firstIndex(of: .paragraph(style: "TableNote", text: label)) else { return nil }
        for b in blocks[(i + 1)...] { if case .table(let t) = b { return t } }
        return nil
    }

    final class Collector: NSObject, XMLParserDelegate {
        var blocks: [Block] = []
        var error: String?
        // Paragraph state (a paragraph in a cell is collected into the cell).
        var style = "", text = "", inText = false, paragraphDepth = 0
        // Table state: nested tables are not used by the document and refused.
        var tableDepth = 0
        var rows: [[String?]] = [], row: [String?] = [], cellText: [String] = []
        var span = 1, vMergeContinued = false, inCell = false

        func parser(_ parser: XMLParser, didStartElement e: String, namespaceURI: String?, qualifiedName: String?,
                    attributes a: [String: String]) {
            switch e {
            case "w:tbl":
                tableDepth += 1
                if tableDepth > 1 { error = "nested table" }
                rows = []
            case "w:tr": row = []
            case "w:tc": inCell = true; cellText = []; span = 1; vMergeContinued = false
            case "w:gridSpan": span = Int(a["w:val"] ?? "1") ?? 1
            case "w:vMerge": vMergeContinued = a["w:val"] != "restart"
            case "w:p": paragraphDepth += 1; style = ""; text = ""
            case "w:pStyle": style = a["w:val"] ?? ""
            case "w:t": inText = true
            case "w:tab": text += "\t"
            case "w:br": text += "\n"
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters s: String) { if inText { text += s } }

        func parser(_ parser: XMLParser, didEndElement e: String, namespaceURI: String?, qualifiedName: String?) {
            switch e {
            case "w:t": inText = false
            case "w:p":
                paragraphDepth -= 1
                if inCell { cellText.append(text) } else { blocks.append(.paragraph(style: style, text: text)) }
            case "w:tc":
                inCell = false
                if vMergeContinued {
                    // Covered by the cell above: nil here, as for every position a span covers.
                    row.append(nil)
                } else {
                    row.append(cellText.joined(separator: "\n"))
                }
                for _ in 1..<max(span, 1) { row.append(nil) }
            case "w:tr": rows.append(row)
            case "w:tbl":
                tableDepth -= 1
                blocks.append(.table(rows))
            default: break
            }
        }
    }
}
