import Foundation

/// A Word document as the writer takes it: a sequence of blocks on A4 pages with page numbers in
/// the footer. Only what a disclosure document needs: styled paragraphs, bordered tables with
/// merged cells, inline PNG pictures and page breaks.
public struct DocxDocument: Sendable, Equatable {
    public var properties: DocxProperties
    public var blocks: [DocxBlock]
    /// Page margins in twips (1/1440 inch); the defaults are Word's for Chinese documents.
    public var margins: Margins
    /// Print 第 N 页 centred in the footer.
    public var pageNumbers: Bool
    /// No page number on the first page (a cover).
    public var unnumberedFirstPage: Bool

    public struct Margins: Sendable, Equatable {
        public var top, bottom, left, right: Int
        public init(top: Int = 1440, bottom: Int = 1440, left: Int = 1800, right: Int = 1800) {
            self.top = top; self.bottom = bottom; self.left = left; self.right = right
        }
    }

    public init(properties: DocxProperties = DocxProperties(), blocks: [DocxBlock] = [],
                margins: Margins = Margins(), pageNumbers: Bool = true, unnumberedFirstPage: Bool = false) {
        self.properties = properties; self.blocks = blocks; self.margins = margins; self.pageNumbers = pageNumbers
        self.unnumberedFirstPage = unnumberedFirstPage
    }

    /// A4 portrait in twips.
    public static let pageWidth = 11906, pageHeight = 16838

    /// The text width between the margins, in twips: what a full-width table is laid out in.
    public var textWidth: Int { DocxDocument.pageWidth - margins.left - margins.right }
}

/// docProps/core.xml. `created` is pinned so the same input gives the same bytes.
public struct DocxProperties: Sendable, Equatable {
    public var title: String
    public var author: String
    /// Written as W3CDTF, UTC, to the second.
    public var created: Date

    /// 2025-01-01 00:00:00 UTC, as the XLSX export pins its workbooks.
    public static let pinnedDate = Date(timeIntervalSince1970: 1_735_689_600)

    public init(title: String = "", author: String = "", created: Date = DocxProperties.pinnedDate) {
        self.title = title; self.author = author; self.created = created
    }
}

public enum DocxBlock: Sendable, Equatable {
    case paragraph(DocxParagraph)
    case table(DocxTable)
    /// Starts a new page.
    case pageBreak
}

/// The paragraph styles of styles.xml: 黑体 for titles and headings, 宋体 for the text.
public enum DocxStyle: String, Sendable, CaseIterable {
    /// The document title: 黑体 二号 (22 pt), centred.
    case title = "Title"
    /// 第一部分 …: 黑体 三号 (16 pt).
    case heading1 = "Heading1"
    /// 一、…: 黑体 四号 (14 pt).
    case heading2 = "Heading2"
    /// （一）… or 1、…: 宋体 bold 小四.
    case heading3 = "Heading3"
    /// Running text: 宋体 小四 (12 pt), first line indented two characters, 1.5 lines.
    case body = "BodyText"
    /// A line of the 目录: 宋体 小四, indented, no first-line indent.
    case contents = "Contents"
    /// A table's title above it: 黑体 四号, centred.
    case tableTitle = "TableTitle"
    /// The line under a table title (部门名称 …, 单位：万元).
    case tableNote = "TableNote"
    /// Text in a table cell: 宋体 五号 (10.5 pt), single spacing.
    case tableText = "TableText"
    /// A figure's caption: centred.
    case caption = "Caption"
    /// A place the clerk must complete: red on yellow, so it cannot be missed in print or on screen.
    case marker = "Marker"
}

public enum DocxAlignment: String, Sendable {
    case left, center, right, both
}

public struct DocxParagraph: Sendable, Equatable {
    public var style: DocxStyle
    public var runs: [DocxRun]
    /// Nil keeps the style's alignment.
    public var alignment: DocxAlignment?
    /// Keep with the next paragraph (a heading with its text, a title with its table).
    public var keepNext: Bool

    public init(style: DocxStyle = .body, runs: [DocxRun], alignment: DocxAlignment? = nil, keepNext: Bool = false) {
        self.style = style; self.runs = runs; self.alignment = alignment; self.keepNext = keepNext
    }

    /// One run of plain text.
    public init(_ text: String, style: DocxStyle = .body, alignment: DocxAlignment? = nil, keepNext: Bool = false) {
        self.init(style: style, runs: [DocxRun(text)], alignment: alignment, keepNext: keepNext)
    }

    /// All the text, for tests and for the DOCX's own checks.
    public var text: String { runs.map(\.text).joined() }
}

public struct DocxRun: Sendable, Equatable {
    /// Tabs become `<w:tab/>`, line feeds `<w:br/>`; other control characters are refused.
    public var text: String
    public var bold: Bool
    /// 0xRRGGBB; nil keeps the style's colour.
    public var color: UInt32?
    /// A picture instead of text (the text is then its description).
    public var picture: DocxPicture?

    public init(_ text: String, bold: Bool = false, color: UInt32? = nil) {
        self.text = text; self.bold = bold; self.color = color; picture = nil
    }

    public init(picture: DocxPicture) { text = ""; bold = false; color = nil; self.picture = picture }
}

/// An inline PNG picture.
public struct DocxPicture: Sendable, Equatable {
    public var png: [UInt8]
    /// Size on the page in EMU (914400 a inch, 360000 a centimetre).
    public var width: Int, height: Int
    /// The alternative text.
    public var description: String

    public init(png: [UInt8], width: Int, height: Int, description: String) {
        self.png = png; self.width = width; self.height = height; self.description = description
    }

    public static let emuPerCentimetre = 360_000
}

/// A table with single borders all round, on a grid of fixed column widths.
public struct DocxTable: Sendable, Equatable {
    /// Grid column widths in twips; the table's width is their sum.
    public var columnWidths: [Int]
    public var rows: [DocxTableRow]

    public init(columnWidths: [Int], rows: [DocxTableRow]) { self.columnWidths = columnWidths; self.rows = rows }
}

public struct DocxTableRow: Sendable, Equatable {
    public var cells: [DocxTableCell]
    /// Repeated at the top of each page the table runs onto (only a leading run of header rows).
    public var isHeader: Bool
    /// The row may not break across pages.
    public var cantSplit: Bool

    public init(cells: [DocxTableCell], isHeader: Bool = false, cantSplit: Bool = false) {
        self.cells = cells; self.isHeader = isHeader; self.cantSplit = cantSplit
    }
}

public struct DocxTableCell: Sendable, Equatable {
    public var paragraphs: [DocxParagraph]
    /// Grid columns this cell spans (`w:gridSpan`).
    public var span: Int
    /// Vertical merge: a `.start` cell is continued by `.continued` cells in the rows below, at the
    /// same grid column and span.
    public var verticalMerge: VerticalMerge
    public var verticalAlignment: VerticalAlignment

    public enum VerticalMerge: Sendable, Equatable { case none, start, continued }
    public enum VerticalAlignment: String, Sendable, Equatable { case top, center, bottom }

    public init(paragraphs: [DocxParagraph], span: Int = 1, verticalMerge: VerticalMerge = .none,
                verticalAlignment: VerticalAlignment = .center) {
        self.paragraphs = paragraphs; self.span = span; self.verticalMerge = verticalMerge
        self.verticalAlignment = verticalAlignment
    }

    /// A cell of one table-text paragraph.
    public init(_ text: String, span: Int = 1, verticalMerge: VerticalMerge = .none, alignment: DocxAlignment? = nil,
                bold: Bool = false) {
        self.init(paragraphs: [DocxParagraph(style: .tableText, runs: [DocxRun(text, bold: bold)], alignment: alignment)],
                  span: span, verticalMerge: verticalMerge)
    }
}
