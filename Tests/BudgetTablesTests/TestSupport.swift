import BudgetCore
import BudgetExport
import BudgetTables
import BudgetWorkbook
import BudgetXLSX
import Foundation
import ZIPFoundation

/// The project checkout (three levels above this file) and the reference document it carries (Tests/Reference).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let templates = root.appendingPathComponent("Templates/tables/shanxi-2025")
    static let seedText = root.appendingPathComponent("Tests/Reference/zezhou-natural-resources-2025.txt")

    static func demoBudget() throws -> Budget {
        let codes = try CodeLists.loadDefaults(codesFolder: root.appendingPathComponent("Templates/codes"))
        return try WorkbookFolder.read(root.appendingPathComponent("Workbooks/zezhou-natural-resources-2025"), defaults: codes)
    }

    static func tempDir(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("budget-tables-\(safe)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    /// Exports the demo budget with the Shanxi set and returns the file.
    static func exportDemo(to dir: URL, name: String = "demo.xlsx") throws -> URL {
        let out = dir.appendingPathComponent(name)
        _ = try DisclosureExport.run(budget: try demoBudget(), templates: try TableTemplateSet.load(templates), out: out)
        return out
    }
}

/// A sheet as a reader (a clerk) sees it: each row's cells as printed text, numbers rounded to 0.01 万元.
struct PrintedSheet {
    struct Cell { var column: Int; var text: String; var isNumber: Bool }
    var rows: [[Cell]]
    var merges: [XLSXRange]

    init(_ reader: XLSXReader, sheet: String) throws {
        let s = try reader.read(sheet: sheet)
        merges = s.mergedRanges
        var out: [[Cell]] = []
        for r in s.rows {
            while out.count + 1 < r.number { out.append([]) }
            out.append(r.cells.compactMap { c in
                switch c.value {
                case .string(let t): return t.isEmpty ? nil : Cell(column: c.column, text: t, isNumber: false)
                case .number(let raw): return Cell(column: c.column, text: Self.printed(raw), isNumber: true)
                default: return nil
                }
            })
        }
        rows = out
    }

    /// The stored number as the `0.00` format prints it: exact decimal, rounded half up.
    static func printed(_ raw: String) -> String {
        guard var d = Decimal(string: raw, locale: Locale(identifier: "en_US_POSIX")) else { return "?\(raw)" }
        var r = Decimal()
        NSDecimalRound(&r, &d, 2, .plain)
        let h = NSDecimalNumber(decimal: r * 100).int64Value
        return Money.hundredthsText(h)
    }

    /// Rows holding at least one number, as token lists (spaces removed from texts).
    var figureRows: [[String]] {
        rows.filter { $0.contains { $0.isNumber } }.map { $0.map { $0.text.filter { !$0.isWhitespace } } }
    }

    func contains(_ text: String) -> Bool { rows.contains { $0.contains { $0.text == text } } }
    /// 1-based row and column, as Excel numbers them.
    func text(row: Int, column: Int) -> String? {
        rows.indices.contains(row - 1) ? rows[row - 1].first { $0.column == column - 1 }?.text : nil
    }
}

/// The XML parts of a written workbook, for what the reader does not report (print setup, styles).
struct XLSXParts {
    let archive: Archive

    init(_ url: URL) throws { archive = try Archive(url: url, accessMode: .read) }

    func text(_ path: String) throws -> String {
        guard let entry = archive[path] else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path]) }
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        return String(decoding: data, as: UTF8.self)
    }

    /// Each cellXfs entry (a cell's `s` index): whether its font is bold and its indent level.
    func cellFormats() throws -> [(bold: Bool, indent: Int)] {
        let styles = try text("xl/styles.xml")
        let fontsXML = styles.firstMatch(of: /<fonts[^>]*>(.*?)<\/fonts>/)?.1 ?? ""
        let bold = fontsXML.matches(of: /<font>(.*?)<\/font>/).map { $0.1.contains("<b/>") }
        let xfsXML = styles.firstMatch(of: /<cellXfs[^>]*>(.*?)<\/cellXfs>/)?.1 ?? ""
        return xfsXML.matches(of: /<xf ([^>]*?)(\/>|>(.*?)<\/xf>)/).map { m in
            let font = Int(m.1.firstMatch(of: /fontId="(\d+)"/)?.1 ?? "0") ?? 0
            let indent = Int(m.3.flatMap { $0.firstMatch(of: /indent="(\d+)"/)?.1 } ?? "0") ?? 0
            return (font < bold.count && bold[font], indent)
        }
    }

    /// Column widths of a sheet part as written (`<col min max width>`), by zero-based column.
    func columnWidths(_ sheetPart: String) throws -> [Int: Double] {
        var out: [Int: Double] = [:]
        for m in try text(sheetPart).matches(of: /<col min="(\d+)" max="(\d+)" width="([\d.]+)"/) {
            for c in Int(m.1)!...Int(m.2)! { out[c - 1] = Double(m.3)! }
        }
        return out
    }
}
