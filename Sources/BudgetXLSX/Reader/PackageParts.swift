import Foundation

/// One `<Relationship>` of a .rels part.
struct Relationship {
    let id: String
    let type: String
    let target: String
    let external: Bool
}

/// Reads a .rels part.
struct RelationshipsHandler: XMLHandler {
    var relationships: [Relationship] = []

    mutating func startElement(_ name: XMLBytes, _ attributes: XMLAttributes) throws {
        guard name.equals("Relationship") else { return }
        guard let id = try attributes.string("Id"), let target = try attributes.string("Target") else { return }
        relationships.append(Relationship(id: id, type: try attributes.string("Type") ?? "", target: target,
                                          external: try attributes.string("TargetMode") == "External"))
    }

    mutating func endElement(_ name: XMLBytes) throws {}
    mutating func text(_ raw: XMLBytes) throws {}
    mutating func cdata(_ raw: XMLBytes) throws {}
}

/// Reads workbook.xml: the sheets in tab order and the date system.
struct WorkbookHandler: XMLHandler {
    struct Sheet {
        let name: String
        let relationshipID: String
        let state: XLSXSheetInfo.State
    }

    /// The part read, for messages.
    let part: String
    var sheets: [Sheet] = []
    var uses1904Dates = false
    private var inSheets = false

    init(part: String) { self.part = part }

    mutating func startElement(_ name: XMLBytes, _ attributes: XMLAttributes) throws {
        if name.equals("sheets") {
            inSheets = true
        } else if name.equals("sheet") && inSheets {
            let sheetName: String?
            do { sheetName = try attributes.string("name") } catch {
                throw XLSXReadError.invalidText(subject: "工作簿中第 \(sheets.count + 1) 个工作表的名称", part: part,
                                                location: "sheet \(sheets.count + 1) name", error)
            }
            guard let sheetName, let rid = try attributes.string("id") else { return }
            let state: XLSXSheetInfo.State = switch try attributes.string("state") {
            case "hidden": .hidden
            case "veryHidden": .veryHidden
            default: .visible
            }
            sheets.append(Sheet(name: sheetName, relationshipID: rid, state: state))
        } else if name.equals("workbookPr") {
            let flag = try attributes.string("date1904")
            uses1904Dates = flag == "1" || flag == "true"
        }
    }

    mutating func endElement(_ name: XMLBytes) throws {
        if name.equals("sheets") { inSheets = false }
    }

    mutating func text(_ raw: XMLBytes) throws {}
    mutating func cdata(_ raw: XMLBytes) throws {}
}

/// Package part names: OPC names are case-insensitive and rels targets are relative to the source part.
enum PartPath {
    /// Lower-cased, no leading "/": the key we index zip entries by.
    static func key(_ path: String) -> String {
        var p = path
        while p.hasPrefix("/") { p.removeFirst() }
        return p.lowercased()
    }

    /// The .rels part describing `part`: "xl/workbook.xml" → "xl/_rels/workbook.xml.rels".
    static func relsPath(for part: String) -> String {
        let (dir, file) = split(part)
        return (dir.isEmpty ? "" : dir + "/") + "_rels/" + file + ".rels"
    }

    /// Resolves a relationship target against the part that holds the relationship.
    static func resolve(_ target: String, relativeTo source: String) -> String {
        var target = target.replacingOccurrences(of: "\\", with: "/")
        if let hash = target.firstIndex(of: "#") { target = String(target[..<hash]) }
        var parts: [Substring]
        if target.hasPrefix("/") {
            parts = []
        } else {
            parts = split(source).dir.split(separator: "/")
        }
        for piece in target.split(separator: "/") {
            if piece == "." { continue }
            if piece == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(piece)
        }
        return parts.joined(separator: "/")
    }

    private static func split(_ path: String) -> (dir: String, file: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }
}
