import BudgetCore
import BudgetExport
import BudgetTables
import BudgetXLSX
import Foundation
import Testing
import ZIPFoundation

/// The XLSX as a file: deterministic, atomic, codes as text, exact values, the layout parts present.
@Suite("Export file")
struct ExportTests {
    @Test("the same budget exported twice gives byte-identical files")
    func deterministic() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try Fixtures.exportDemo(to: dir, name: "a.xlsx")
        let b = try Fixtures.exportDemo(to: dir, name: "b.xlsx")
        let da = try Data(contentsOf: a), db = try Data(contentsOf: b)
        #expect(da.count > 5000)
        #expect(da == db)
    }

    @Test("codes are text cells, amounts are the printed 万元 figures with a 0.00 format, zero is empty")
    func cellTypes() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reader = try XLSXReader(url: try Fixtures.exportDemo(to: dir))
        let rows = try reader.rows(sheet: "表3 预算支出总表")
        let leaf = try #require(rows.first { $0.value(at: 0) == .string("2080501") })
        // 2080501 行政单位离退休 = 1044950.00 + 141099.00 元 = 118.6049 万元: the cell holds the
        // printed 118.60, not the exact value behind it.
        #expect(leaf.value(at: 2) == .number("118.6"))
        #expect(leaf.value(at: 4) != .number("0"))
        if case .number = leaf.value(at: 4) { Issue.record("a zero amount must be an empty cell") }
        let archive = try Archive(url: try Fixtures.exportDemo(to: dir, name: "z.xlsx"), accessMode: .read)
        var styles = Data()
        _ = try archive.extract(try #require(archive["xl/styles.xml"])) { styles.append($0) }
        let xml = String(decoding: styles, as: UTF8.self)
        #expect(xml.contains("formatCode=\"0.00\"") || xml.contains("numFmtId=\"2\""))
        var sheet = Data()
        _ = try archive.extract(try #require(archive["xl/worksheets/sheet2.xml"])) { sheet.append($0) }
        let s2 = String(decoding: sheet, as: UTF8.self)
        #expect(s2.contains("<pageSetup paperSize=\"9\"") && s2.contains("orientation=\"landscape\""))
        #expect(s2.contains("state=\"frozen\""))
        #expect(s2.contains("<mergeCell ref=\"I4:I5\"/>"))
        var book = Data()
        _ = try archive.extract(try #require(archive["xl/workbook.xml"])) { book.append($0) }
        #expect(String(decoding: book, as: UTF8.self).contains("_xlnm.Print_Titles"))
    }

    @Test("header merges spanning rows are kept in constant-memory mode")
    func headerMerges() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reader = try XLSXReader(url: try Fixtures.exportDemo(to: dir))
        let merges = Set(try reader.mergedRanges(sheet: "表4 财政拨款收支总表").map(\.reference))
        #expect(merges.isSuperset(of: ["A2:G2", "A4:B4", "C4:G4", "A5:A6", "B5:B6", "C5:C6", "D5:G5"]))
        let t4 = try PrintedSheet(reader, sheet: "表4 财政拨款收支总表")
        #expect(t4.text(row: 5, column: 4) == "金额")
        #expect(t4.text(row: 6, column: 5) == "一般公共预算")
    }

    @Test("an unwritable path is a clear error and leaves no file")
    func unwritablePath() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("没有的文件夹/out.xlsx")
        do {
            _ = try DisclosureExport.run(budget: try Fixtures.demoBudget(), templates: try TableTemplateSet.load(Fixtures.templates), out: target)
            Issue.record("export into a missing folder must fail")
        } catch let e as ExportError {
            #expect(e.description.contains("无法写入"))
            #expect(e.description.contains("不存在"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test("a budget breaking a data rule exports as a draft and lists the problem; --strict writes nothing")
    func draftAndStrict() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var budget = try Fixtures.demoBudget()
        budget.items[0].function = "2089999"
        let templates = try TableTemplateSet.load(Fixtures.templates)
        let draft = dir.appendingPathComponent("draft.xlsx")
        let report = try DisclosureExport.run(budget: budget, templates: templates, out: draft)
        #expect(report.problems.contains { $0.value == "2089999" })
        #expect(FileManager.default.fileExists(atPath: draft.path))
        let strict = dir.appendingPathComponent("strict.xlsx")
        #expect(throws: DisclosureExport.StrictRefusal.self) {
            _ = try DisclosureExport.run(budget: budget, templates: templates, out: strict, strict: true)
        }
        #expect(!FileManager.default.fileExists(atPath: strict.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["draft.xlsx"])
    }

    @Test("--split writes one file a table, each with its one sheet")
    func split() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = try DisclosureExport.run(budget: try Fixtures.demoBudget(), templates: try TableTemplateSet.load(Fixtures.templates),
                                              out: dir.appendingPathComponent("all.xlsx"), split: dir.appendingPathComponent("split"))
        #expect(report.files.count == 14)
        let one = try XLSXReader(url: dir.appendingPathComponent("split/表6 一般公共预算基本支出分经济科目表.xlsx"))
        #expect(one.sheets.map(\.name) == ["表6 一般公共预算基本支出分经济科目表"])
    }
}
