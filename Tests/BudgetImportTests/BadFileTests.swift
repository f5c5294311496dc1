import BudgetCore
import BudgetImport
import BudgetStore
import BudgetWorkbook
import BudgetXLSX
import Foundation
import Testing

/// Files that must not crash the import nor change the workspace.
@Suite struct BadFileTests {
    /// A demo workspace, the import attempt, and a check that nothing changed. Returns the error.
    func attempt(_ url: URL, in dir: TempDir, options: ImportOptions = ImportOptions()) throws -> (any Error)? {
        let path = dir.file("demo.budget").path
        try Workspace.create(at: path, budget: try demoBudget())
        let before = try Workspace.open(path).budgetWithItems()
        var caught: (any Error)?
        do { try importFile(url, into: path, options: options) } catch { caught = error }
        let after = try Workspace.open(path).budgetWithItems()
        #expect(after.budget == before.budget && after.items == before.items, "the workspace changed")
        #expect(try Workspace.open(path).lastChangeID() == 0)
        return caught
    }

    @Test func notAZip() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("items.xlsx")
        try Data("单位,功能科目\n这不是 xlsx".utf8).write(to: url)
        let e = try attempt(url, in: dir) as? XLSXReadError
        #expect(e?.kind == .notZip)
        #expect(e?.message.contains("不是 zip") == true)
    }

    @Test func truncatedZip() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let full = dir.file("full.xlsx")
        try InputTemplate.write(try demoBudget(), to: full)
        let bytes = try Data(contentsOf: full)
        for cut in [bytes.count / 2, bytes.count - 10, 100] {
            let url = dir.file("cut-\(cut).xlsx")
            try bytes.prefix(cut).write(to: url)
            let e = try attempt(url, in: dir) as? XLSXReadError
            #expect(e != nil, "cut at \(cut) was not refused")
            #expect(e.map { [.damagedZip, .notZip].contains($0.kind) } == true, "cut at \(cut): \(String(describing: e))")
        }
    }

    /// A sheet that inflates far beyond its size: reading stops at the limit and says which.
    @Test func zipBomb() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("bomb.xlsx")
        // 64 MiB of one repeated empty row compresses to well under 1 MiB.
        let row = Data("<row/>".utf8)
        var body = Data(capacity: 64 << 20)
        body.append(Data("<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>".utf8))
        while body.count < 64 << 20 { body.append(row) }
        body.append(Data("</sheetData></worksheet>".utf8))
        var parts = workbookParts(sheets: [("支出明细", "")], sharedStrings: nil, styles: nil)
        parts = parts.map { $0.0 == "xl/worksheets/sheet1.xml" ? ($0.0, body) : $0 }
        try makeZip(at: url, parts)
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
        #expect(size < 1 << 20)
        let limits = XLSXReadLimits(maxTotalInflatedBytes: 16 << 20, maxEntryInflatedBytes: 16 << 20)
        let e = try attempt(url, in: dir, options: ImportOptions(limits: limits)) as? XLSXReadError
        #expect(e?.kind == .sizeLimitExceeded)
        #expect(e?.message.contains("16 MiB") == true, "the message states the limit: \(String(describing: e))")
    }

    @Test func missingRequiredColumn() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var b = SheetBuilder()
        b.row(1, itemHeader.enumerated().map { $0.offset == 7 ? nil : $0.element })   // no 金额
        b.row(2, basicLine(amount: nil))
        try b.write(to: dir.file("x.xlsx"))
        let e = try attempt(dir.file("x.xlsx"), in: dir) as? ProblemsError
        #expect(e?.problems.map(\.rule) == [.missingColumn])
        #expect(e?.problems.first?.message.contains("缺少必需的列“金额”") == true)
        #expect(e?.problems.first?.location.description == "支出明细 第 1 行 列 金额")
    }

    @Test func duplicatedColumns() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var b = SheetBuilder()
        b.row(1, itemHeader + ["s:amount"])            // 金额 twice, once in English
        b.row(2, basicLine(amount: "n:1") + ["n:2"])
        try b.write(to: dir.file("x.xlsx"))
        let e = try attempt(dir.file("x.xlsx"), in: dir) as? ProblemsError
        #expect(e?.problems.map(\.rule) == [.duplicateColumn])
        #expect(e?.problems.first?.location.description == "支出明细 第 1 行 列 K（amount）")
        #expect(e?.problems.first?.message.contains("H 列") == true)
    }

    @Test func noHeaderRow() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var b = SheetBuilder()
        for r in 1...30 { b.row(r, ["s:随便写点什么", "n:\(r)"]) }
        try b.write(to: dir.file("x.xlsx"))
        let e = try attempt(dir.file("x.xlsx"), in: dir) as? ProblemsError
        #expect(e?.problems.map(\.rule) == [.missingHeader])
    }

    @Test func missingSheetIsNamedWithTheSheetsThereAre() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try InputTemplate.write(try demoBudget(), to: dir.file("t.xlsx"))
        let e = try attempt(dir.file("t.xlsx"), in: dir, options: ImportOptions(sheet: "明细表")) as? XLSXReadError
        #expect(e?.kind == .sheetNotFound)
        #expect(e?.message.contains("“支出明细”") == true)
    }

    /// Written by LibreOffice (`soffice --headless --convert-to xlsx` of the CSV beside it, committed
    /// so CI needs no LibreOffice): codes and amounts stored as numbers, a blank row.
    @Test func workbookFromLibreOffice() throws {
        let url = fixtures.appendingPathComponent("libreoffice-items.xlsx")
        let file = try FileImporter.read(url)
        #expect(!file.problems.hasErrors, "\(file.problems.problems)")
        #expect(file.items.map(\.function) == ["2080501", "2080505", "2200101", "2120899"])
        #expect(file.items.map(\.economic) == ["30302", "30108", "30201", "31099"])
        #expect(file.items.map(\.amount.fen) == [104_495_000, 366_210_000, 4_972_850, 117_940_632])
        #expect(file.items.map(\.unit) == ["080001", "080001", "080001", "080001"])
        #expect(file.items[3].project == "P01" && file.items[3].kind == .project && file.items[3].source == .governmentFund)
        #expect(file.items[2].memo == "办公费")
        let plan = try FileImporter.plan(file, current: try demoBudget(), currentIsEmpty: false, replace: false)
        guard case .addItems(let changes) = plan, case let items = changes.items else { Issue.record("expected addItems"); return }
        #expect(items.count == 4)

        // The same rows from the CSV it was made from give the same items.
        let csv = try FileImporter.read(fixtures.appendingPathComponent("libreoffice-items.csv"))
        #expect(csv.items == file.items)
        #expect(csv.itemRows == [2, 3, 5, 6])
    }

    /// One resembling WPS/Excel output: shared strings, a styles part with a text format, cells
    /// with `s` styles and `t="s"`, a 序号 column, and the CSV path for comparison.
    @Test func workbookResemblingWPS() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var b = SheetBuilder()
        b.row(1, ["s:序号"] + itemHeader)
        b.row(2, ["n:1", "s:080001", "s:2080501", "s:30302", "s:一般公共预算", "s:当年", "s:基本支出", nil, "n:1044950", nil, nil])
        b.row(3, ["n:2", "s:080001", "s:2200199", "s:30227", "s:一般公共预算", "s:当年", "s:项目支出", "s:P03 国土实景三维建模工作经费", "n:2440000", nil, "s:委托业务费"])
        try b.write(to: dir.file("wps.xlsx"), extra: [("Sheet2", sheetXML(""))])
        let path = dir.file("demo.budget").path
        try Workspace.create(at: path, budget: try demoBudget())
        let (w, file) = try importFile(dir.file("wps.xlsx"), into: path)
        #expect(file.warnings.count == 1)
        let stored = try w.budget().items
        #expect(stored.count == (try demoBudget()).items.count + 2)
        #expect(stored.suffix(2).map(\.project) == [nil, "P03"])
        #expect(stored.last?.memo == "委托业务费")
    }

    /// items.csv of the workbook folder, English headers, through the CSV path.
    @Test func workbookFolderCSV() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let csv = demoFolder.appendingPathComponent("items.csv")
        let file = try FileImporter.read(csv)
        #expect(!file.problems.hasErrors)
        #expect(file.items == (try demoBudget()).items)
        // A broken CSV row is named by file, line and column.
        var text = try String(contentsOf: csv, encoding: .utf8)
        text = text.replacingOccurrences(of: ",1044950.00,", with: ",1044950.001,")
        try Data(text.utf8).write(to: dir.file("items.csv"))
        let e = try attempt(dir.file("items.csv"), in: dir) as? ProblemsError
        #expect(e?.problems.map(\.location.description) == ["items.csv 第 2 行 列 amount"])
    }
}
