import Foundation

/// Which cell styles show numbers as dates: what turns a number cell into `.date`.
struct StyleTable: Sendable {
    /// Indexed by the cell's `s` attribute (cellXfs order).
    var dateStyles: [Bool] = []

    func isDate(_ styleIndex: Int) -> Bool {
        styleIndex >= 0 && styleIndex < dateStyles.count && dateStyles[styleIndex]
    }

    /// Built-in number formats that are dates or times. 14–22 and 45–47 are the international ones;
    /// 27–36 and 50–58 are the CJK locale dates and times (e.g. 31 = yyyy"年"m"月"d"日") that
    /// Excel and WPS write for Chinese users without a `<numFmt>` definition.
    static let builtInDateIDs: Set<Int> = Set(14...22).union(45...47).union(27...36).union(50...58)

    /// True when a format code shows a date or time: it has y, m, d, h or s outside quoted text,
    /// escapes (`\x`, `_x`, `*x`) and bracketed colours/locales/conditions; `[h]`, `[mm]`, `[ss]`
    /// (elapsed time) count as time.
    static func isDateFormat(_ code: String) -> Bool {
        let scalars = Array(code.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            switch c {
            case "\"":
                i += 1
                while i < scalars.count && scalars[i] != "\"" { i += 1 }
            case "\\", "_", "*":
                i += 1
            case "[":
                var j = i + 1
                var content = ""
                while j < scalars.count && scalars[j] != "]" {
                    content.unicodeScalars.append(scalars[j])
                    j += 1
                }
                let lower = content.lowercased()
                if !lower.isEmpty && lower.allSatisfy({ "hms".contains($0) }) { return true }
                i = j
            default:
                if "yYmMdDhHsS".unicodeScalars.contains(c) { return true }
            }
            i += 1
        }
        return false
    }
}

/// Reads styles.xml: custom number formats and the cellXfs list (not cellStyleXfs, not dxfs).
struct StylesHandler: XMLHandler {
    private var customFormats: [Int: String] = [:]
    private var xfFormatIDs: [Int] = []
    private var inNumFmts = false
    private var inCellXfs = false

    var table: StyleTable {
        StyleTable(dateStyles: xfFormatIDs.map { id in
            if let code = customFormats[id] { return StyleTable.isDateFormat(code) }
            return StyleTable.builtInDateIDs.contains(id)
        })
    }

    mutating func startElement(_ name: XMLBytes, _ attributes: XMLAttributes) throws {
        if name.equals("numFmts") {
            inNumFmts = true
        } else if name.equals("cellXfs") {
            inCellXfs = true
        } else if name.equals("numFmt") && inNumFmts {
            if let id = attributes.value("numFmtId")?.decimalValue, let code = try attributes.string("formatCode") {
                customFormats[id] = code
            }
        } else if name.equals("xf") && inCellXfs {
            xfFormatIDs.append(attributes.value("numFmtId")?.decimalValue ?? 0)
        }
    }

    mutating func endElement(_ name: XMLBytes) throws {
        if name.equals("numFmts") { inNumFmts = false }
        if name.equals("cellXfs") { inCellXfs = false }
    }

    mutating func text(_ raw: XMLBytes) throws {}
    mutating func cdata(_ raw: XMLBytes) throws {}
}
