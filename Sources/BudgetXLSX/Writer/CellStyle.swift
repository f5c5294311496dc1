/// How a cell looks: the value type callers build, which the workbook turns into one cached `lxw_format`.
///
/// Two equal styles share one `lxw_format`, so building a style per cell costs a dictionary look-up,
/// not a new XF record in styles.xml.
public struct CellStyle: Hashable, Sendable {
    /// Horizontal alignment (`format_set_align`).
    public enum HorizontalAlignment: Hashable, Sendable {
        case left, center, right, fill, justify, centerAcross, distributed
    }

    /// Vertical alignment (`format_set_align`).
    public enum VerticalAlignment: Hashable, Sendable {
        case top, center, bottom, justify, distributed
    }

    /// Border line drawn on all four sides.
    public enum Border: Hashable, Sendable {
        case none, thin, medium, thick, dashed, dotted, double
    }

    public var bold = false
    public var italic = false
    /// Points; nil keeps the workbook default (11).
    public var fontSize: Double?
    /// Nil keeps the workbook default (Calibri). At most 127 UTF-8 bytes.
    public var fontName: String?
    /// 0xRRGGBB.
    public var fontColor: UInt32?
    public var horizontalAlignment: HorizontalAlignment?
    public var verticalAlignment: VerticalAlignment?
    public var border: Border = .none
    public var textWrap = false
    /// Excel number format such as "0.00", "#,##0.00" or "@" (text). At most 127 UTF-8 bytes.
    public var numberFormat: String?
    /// Solid fill, 0xRRGGBB.
    public var backgroundColor: UInt32?
    /// Indent level, 0 for none.
    public var indent: UInt8 = 0
    public var shrinkToFit = false
    /// Unlocked cells stay editable when the sheet is protected (input templates).
    public var unlocked = false

    public init(
        bold: Bool = false, italic: Bool = false, fontSize: Double? = nil, fontName: String? = nil,
        fontColor: UInt32? = nil, horizontalAlignment: HorizontalAlignment? = nil,
        verticalAlignment: VerticalAlignment? = nil, border: Border = .none, textWrap: Bool = false,
        numberFormat: String? = nil, backgroundColor: UInt32? = nil, indent: UInt8 = 0,
        shrinkToFit: Bool = false, unlocked: Bool = false
    ) {
        self.bold = bold
        self.italic = italic
        self.fontSize = fontSize
        self.fontName = fontName
        self.fontColor = fontColor
        self.horizontalAlignment = horizontalAlignment
        self.verticalAlignment = verticalAlignment
        self.border = border
        self.textWrap = textWrap
        self.numberFormat = numberFormat
        self.backgroundColor = backgroundColor
        self.indent = indent
        self.shrinkToFit = shrinkToFit
        self.unlocked = unlocked
    }

    /// The workbook default; written with a NULL format.
    public static let plain = CellStyle()
}
