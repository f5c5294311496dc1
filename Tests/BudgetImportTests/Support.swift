import BudgetCore
import BudgetImport
import BudgetStore
import BudgetWorkbook
import Foundation
import Testing
import ZIPFoundation

/// The checkout's root (Templates/, Workbooks/), found from this file's path.
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
let demoFolder = repoRoot.appendingPathComponent("Workbooks/zezhou-natural-resources-2025")

func defaultCodes() throws -> CodeBook {
    try CodeLists.loadDefaults(codesFolder: repoRoot.appendingPathComponent("Templates/codes"))
}

func demoBudget() throws -> Budget { try WorkbookFolder.read(demoFolder, defaults: try defaultCodes()) }

/// A fresh directory per test.
struct TempDir {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("budget-import-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// An empty workspace as `budget init` makes it: department, year, default codes.
func emptyWorkspace(_ dir: TempDir, name: String = "empty.budget", like b: Budget? = nil) throws -> Workspace {
    let codes = try defaultCodes()
    let budget = Budget(department: b?.department ?? "测试部门", departmentCode: b?.departmentCode ?? "",
                        year: b?.year ?? 2025, codes: codes)
    return try Workspace.create(at: dir.file(name).path, budget: budget)
}

/// What `budget import` does: read, plan against the workspace, apply. Returns the workspace to use after.
@discardableResult
func importFile(_ url: URL, into path: String, replace: Bool = false,
                options: ImportOptions = ImportOptions()) throws -> (Workspace, ImportedFile) {
    let w = try Workspace.open(path)
    let file = try FileImporter.read(url, options: options)
    let (current, isEmpty) = try w.budgetWithoutItems()
    switch try FileImporter.plan(file, current: current, currentIsEmpty: isEmpty, replace: replace) {
    case .addItems(let c):
        try w.addItems(c.items, replace: c.replace, author: "test", newUnits: c.newUnits, newProjects: c.newProjects,
                       revenue: c.revenue, basis: c.basis)
        return (w, file)
    case .rebuild(let budget):
        try w.close()
        return (try Workspace.create(at: path, budget: budget), file)
    }
}

/// The problems an import refused with; fails the test when it did not refuse.
func problems(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> [Problem] {
    do {
        try body()
        Issue.record("expected the import to be refused", sourceLocation: sourceLocation)
        return []
    } catch let e as ProblemsError {
        return e.problems
    } catch {
        Issue.record("expected ProblemsError, got \(error)", sourceLocation: sourceLocation)
        return []
    }
}

/// Builds a zip from (path, bytes) pairs with ZIPFoundation: files as Excel, WPS or an attacker write them.
func makeZip(at url: URL, _ files: [(String, Data)]) throws {
    let archive = try Archive(url: url, accessMode: .create)
    for (path, data) in files {
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                             modificationDate: Date(timeIntervalSince1970: 1_735_689_600),
                             compressionMethod: .deflate) { position, size in
            data.subdata(in: Int(position)..<min(Int(position) + size, data.count))
        }
    }
}

/// The package parts around sheets, laid out as Excel and WPS write them (shared strings, styles).
func workbookParts(sheets: [(name: String, xml: String)], sharedStrings: String?, styles: String?) -> [(String, Data)] {
    var files: [(String, Data)] = []
    files.append(("[Content_Types].xml", Data("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>
        """.utf8)))
    files.append(("_rels/.rels", Data("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
        """.utf8)))
    var sheetElements = "", rels = ""
    for (i, sheet) in sheets.enumerated() {
        sheetElements += "<sheet name=\"\(sheet.name)\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
        rels += "<Relationship Id=\"rId\(i + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(i + 1).xml\"/>"
        files.append(("xl/worksheets/sheet\(i + 1).xml", Data(sheet.xml.utf8)))
    }
    if sharedStrings != nil {
        rels += "<Relationship Id=\"rIdS\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    }
    if styles != nil {
        rels += "<Relationship Id=\"rIdY\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
    }
    files.append(("xl/workbook.xml", Data("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr/><sheets>\(sheetElements)</sheets></workbook>
        """.utf8)))
    files.append(("xl/_rels/workbook.xml.rels", Data("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(rels)</Relationships>
        """.utf8)))
    if let sharedStrings { files.append(("xl/sharedStrings.xml", Data(sharedStrings.utf8))) }
    if let styles { files.append(("xl/styles.xml", Data(styles.utf8))) }
    return files
}

func sheetXML(_ rows: String, after: String = "") -> String {
    """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>\(rows)</sheetData>\(after)</worksheet>
    """
}

/// A sheet built from rows of cells given as XML fragments per cell: `s:text` shared string,
/// `n:1.5` number, `d:45658` date-styled number, `b:1` boolean, `f:SUM(A1)=3` formula with cached
/// value, `f:SUM(A1)` formula without one, `i:text` inline string, `e:#DIV/0!` error.
struct SheetBuilder {
    var strings: [String] = []
    var rows: [String] = []

    mutating func row(_ number: Int, _ cells: [String?]) {
        var xml = "<row r=\"\(number)\">"
        for (c, cell) in cells.enumerated() {
            guard let cell, !cell.isEmpty else { continue }
            let ref = "\(String(UnicodeScalar(UInt8(65 + c))))\(number)"
            let kind = cell.prefix(2), body = String(cell.dropFirst(2))
            switch kind {
            case "s:":
                let i = strings.firstIndex(of: body) ?? { strings.append(body); return strings.count - 1 }()
                xml += "<c r=\"\(ref)\" s=\"1\" t=\"s\"><v>\(i)</v></c>"
            case "n:": xml += "<c r=\"\(ref)\" s=\"2\"><v>\(body)</v></c>"
            case "d:": xml += "<c r=\"\(ref)\" s=\"3\"><v>\(body)</v></c>"
            case "b:": xml += "<c r=\"\(ref)\" t=\"b\"><v>\(body)</v></c>"
            case "e:": xml += "<c r=\"\(ref)\" t=\"e\"><v>\(body)</v></c>"
            case "i:": xml += "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(body)</t></is></c>"
            case "f:":
                let parts = body.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { xml += "<c r=\"\(ref)\" s=\"2\"><f>\(parts[0])</f><v>\(parts[1])</v></c>" }
                else { xml += "<c r=\"\(ref)\"><f>\(body)</f></c>" }
            default: Issue.record("bad cell spec \(cell)")
            }
        }
        rows.append(xml + "</row>")
    }

    var sharedStringsXML: String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"\(strings.count)\" uniqueCount=\"\(strings.count)\">"
            + strings.map { "<si><t xml:space=\"preserve\">\($0)</t></si>" }.joined() + "</sst>"
    }

    /// Styles as WPS writes them: 0 default, 1 text (@), 2 #,##0.00, 3 a Chinese date format.
    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="176" formatCode="#,##0.00_ "/><numFmt numFmtId="177" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;;@"/></numFmts><fonts count="1"><font><sz val="11"/><name val="宋体"/><charset val="134"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="176" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="177" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>
        """

    /// Writes a one-sheet workbook (plus any extra sheets) at `url`.
    func write(to url: URL, sheet: String = "支出明细", after: String = "", extra: [(String, String)] = []) throws {
        try makeZip(at: url, workbookParts(sheets: [(sheet, sheetXML(rows.joined(), after: after))] + extra,
                                           sharedStrings: sharedStringsXML, styles: Self.styles))
    }
}

/// The header of the input template's 支出明细, as shared-string cells.
let itemHeader: [String?] = ["s:单位", "s:功能科目", "s:经济科目", "s:资金来源", "s:上年结转", "s:支出类型", "s:项目", "s:金额",
                             "s:政府经济科目", "s:备注"]

/// A basic line of the demo's unit, with the amount cell given.
func basicLine(_ function: String = "s:2080501", economic: String = "s:30302", amount: String?) -> [String?] {
    ["s:080001", function, economic, "s:一般公共预算", "s:当年", "s:基本支出", nil, amount, nil, nil]
}

/// Peak resident memory of this process (VmHWM), in MiB.
func peakRSSMiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
    return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
}
