internal import CXlsxWriter

extension CellStyle {
    /// libxlsxwriter copies names into a fixed 128-byte field and silently truncates: refuse instead.
    func validate() throws(XLSXError) {
        for (field, value) in [("fontName", fontName), ("numberFormat", numberFormat)] {
            if let value, value.utf8.count >= Int(LXW_FORMAT_FIELD_LEN) || value.utf8.contains(0) {
                throw XLSXError(LXW_ERROR_128_STRING_LENGTH_EXCEEDED, "CellStyle.\(field) \"\(value)\"")
            }
        }
    }

    /// Copies this style into a fresh `lxw_format`.
    func apply(to format: UnsafeMutablePointer<lxw_format>) {
        if bold { format_set_bold(format) }
        if italic { format_set_italic(format) }
        if let fontSize { format_set_font_size(format, fontSize) }
        if let fontName { format_set_font_name(format, fontName) }
        if let fontColor { format_set_font_color(format, Self.lxwColor(fontColor)) }
        if let horizontalAlignment { format_set_align(format, horizontalAlignment.lxwValue) }
        if let verticalAlignment { format_set_align(format, verticalAlignment.lxwValue) }
        if let style = border.lxwValue { format_set_border(format, style) }
        if textWrap { format_set_text_wrap(format) }
        if let numberFormat { format_set_num_format(format, numberFormat) }
        if let backgroundColor {
            format_set_pattern(format, UInt8(LXW_PATTERN_SOLID.rawValue))
            format_set_bg_color(format, Self.lxwColor(backgroundColor))
        }
        if indent > 0 { format_set_indent(format, indent) }
        if shrinkToFit { format_set_shrink(format) }
        if unlocked { format_set_unlocked(format) }
    }

    /// libxlsxwriter reads 0x000000 as "unset"; black has its own marker.
    static func lxwColor(_ rgb: UInt32) -> lxw_color_t {
        let masked = rgb & 0xFF_FFFF
        return masked == 0 ? lxw_color_t(LXW_COLOR_BLACK.rawValue) : lxw_color_t(masked)
    }
}

extension CellStyle.HorizontalAlignment {
    var lxwValue: UInt8 {
        let value: lxw_format_alignments = switch self {
        case .left: LXW_ALIGN_LEFT
        case .center: LXW_ALIGN_CENTER
        case .right: LXW_ALIGN_RIGHT
        case .fill: LXW_ALIGN_FILL
        case .justify: LXW_ALIGN_JUSTIFY
        case .centerAcross: LXW_ALIGN_CENTER_ACROSS
        case .distributed: LXW_ALIGN_DISTRIBUTED
        }
        return UInt8(value.rawValue)
    }
}

extension CellStyle.VerticalAlignment {
    var lxwValue: UInt8 {
        let value: lxw_format_alignments = switch self {
        case .top: LXW_ALIGN_VERTICAL_TOP
        case .center: LXW_ALIGN_VERTICAL_CENTER
        case .bottom: LXW_ALIGN_VERTICAL_BOTTOM
        case .justify: LXW_ALIGN_VERTICAL_JUSTIFY
        case .distributed: LXW_ALIGN_VERTICAL_DISTRIBUTED
        }
        return UInt8(value.rawValue)
    }
}

extension CellStyle.Border {
    var lxwValue: UInt8? {
        let value: lxw_format_borders
        switch self {
        case .none: return nil
        case .thin: value = LXW_BORDER_THIN
        case .medium: value = LXW_BORDER_MEDIUM
        case .thick: value = LXW_BORDER_THICK
        case .dashed: value = LXW_BORDER_DASHED
        case .dotted: value = LXW_BORDER_DOTTED
        case .double: value = LXW_BORDER_DOUBLE
        }
        return UInt8(value.rawValue)
    }
}
