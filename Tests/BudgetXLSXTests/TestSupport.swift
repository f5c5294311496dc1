import Foundation
import Testing
import ZIPFoundation
@testable import BudgetXLSX

/// A fresh directory per test, removed when the test's `defer` runs.
struct TempDir {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("budget-xlsx-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Builds a zip from (path, bytes) pairs with ZIPFoundation: how tests craft files that Excel, WPS
/// or an attacker would write and libxlsxwriter never does.
/// An existing file at `url` is replaced.
func makeZip(at url: URL, _ files: [(String, Data)], compress: Bool = true) throws {
    try? FileManager.default.removeItem(at: url)
    let archive = try Archive(url: url, accessMode: .create)
    for (path, data) in files {
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                             modificationDate: Date(timeIntervalSince1970: 1_735_689_600),
                             compressionMethod: compress ? .deflate : .none) { position, size in
            data.subdata(in: Int(position)..<min(Int(position) + size, data.count))
        }
    }
}

/// The minimal package parts around one or more sheet XMLs, written the way Excel lays them out.
///
/// `rawBytes` puts bytes no Swift string holds (invalid UTF-8) into the parts: each key, wherever
/// it occurs in a part, is replaced by its bytes.
func makeWorkbookZip(at url: URL, sheets: [(name: String, xml: String)], sharedStrings: String? = nil,
                     styles: String? = nil, workbookExtra: String = "", hiddenSheets: Set<String> = [],
                     rawBytes: [String: [UInt8]] = [:]) throws {
    var files: [(String, Data)] = []
    files.append(("[Content_Types].xml", Data("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>
        """.utf8)))
    files.append(("_rels/.rels", Data("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
        """.utf8)))
    var sheetElements = ""
    var rels = ""
    for (i, sheet) in sheets.enumerated() {
        let state = hiddenSheets.contains(sheet.name) ? " state=\"hidden\"" : ""
        sheetElements += "<sheet name=\"\(sheet.name)\" sheetId=\"\(i + 1)\"\(state) r:id=\"rId\(i + 1)\"/>"
        rels += "<Relationship Id=\"rId\(i + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(i + 1).xml\"/>"
        files.append(("xl/worksheets/sheet\(i + 1).xml", Data(sheet.xml.utf8)))
    }
    if sharedStrings != nil {
        rels += "<Relationship Id=\"rIdS\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    }
    if styles != nil {
        rels += "<Relationship Id=\"rIdY\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"/xl/styles.xml\"/>"
    }
    files.append(("xl/workbook.xml", Data("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\(workbookExtra)<sheets>\(sheetElements)</sheets></workbook>
        """.utf8)))
    files.append(("xl/_rels/workbook.xml.rels", Data("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(rels)</Relationships>
        """.utf8)))
    if let sharedStrings { files.append(("xl/sharedStrings.xml", Data(sharedStrings.utf8))) }
    if let styles { files.append(("xl/styles.xml", Data(styles.utf8))) }
    try makeZip(at: url, files.map { ($0.0, replacing(rawBytes, in: $0.1)) })
}

/// `data` with every occurrence of each key's UTF-8 replaced by the key's bytes.
func replacing(_ replacements: [String: [UInt8]], in data: Data) -> Data {
    var bytes = [UInt8](data)
    for (marker, raw) in replacements {
        let needle = Array(marker.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if i + needle.count <= bytes.count && Array(bytes[i..<(i + needle.count)]) == needle {
                out += raw
                i += needle.count
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        bytes = out
    }
    return Data(bytes)
}

/// A worksheet part around `sheetData` content.
func sheetXML(_ sheetData: String, after: String = "") -> String {
    """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>\(sheetData)</sheetData>\(after)</worksheet>
    """
}

/// One part of a zip, read with ZIPFoundation (to look at what libxlsxwriter wrote).
func zipPart(_ url: URL, _ path: String) throws -> String {
    let archive = try Archive(url: url, accessMode: .read)
    guard let entry = archive[path] else { return "" }
    var data = Data()
    _ = try archive.extract(entry) { data.append($0) }
    return String(decoding: data, as: UTF8.self)
}

/// The error a throwing expression throws, typed, for checking its fields.
func caught<E: Error>(_ type: E.Type, _ body: () throws -> Void) -> E? {
    do {
        try body()
        return nil
    } catch let error as E {
        return error
    } catch {
        return nil
    }
}
