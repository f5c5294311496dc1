import BudgetCore
import BudgetImport
import BudgetStore
import BudgetWorkbook
import BudgetXLSX
import Foundation
import Testing

/// Issue 11: one input-rules layer. `budget load` and `budget import` read a CSV by the same rules,
/// and the template takes its columns, headers and prompts from the same schema.
@Suite struct InputRulesTests {
    /// A demo folder whose items.csv has the template's Chinese headers and the drop-down labels.
    func chineseItems(_ dir: TempDir) throws -> URL {
        let folder = dir.file("wb")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for f in try FileManager.default.contentsOfDirectory(atPath: demoFolder.path) {
            try FileManager.default.copyItem(at: demoFolder.appendingPathComponent(f), to: folder.appendingPathComponent(f))
        }
        let url = folder.appendingPathComponent("items.csv")
        var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        lines[0] = TableSchema.items.columns.map(\.chinese).joined(separator: ",")
        lines[1] = lines[1].replacingOccurrences(of: "080001,", with: "080001 泽州县自然资源局,")
        lines[2] = lines[2].replacingOccurrences(of: "141099.00", with: "\"１４１，０９９．００\"")
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return folder
    }

    @Test("the same CSV gives the same lines through budget load and budget import")
    func sameLines() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let folder = try chineseItems(dir)
        let loaded = try WorkbookFolder.read(folder, defaults: try defaultCodes())
        let imported = try FileImporter.read(folder.appendingPathComponent("items.csv"))
        #expect(!imported.problems.hasErrors, "\(imported.problems.problems)")
        #expect(loaded.items == imported.items)
        #expect(loaded.items == (try demoBudget()).items)
    }

    @Test("the same broken CSV gives the same problems through budget load and budget import")
    func sameProblems() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let folder = try chineseItems(dir)
        let url = folder.appendingPathComponent("items.csv")
        var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        lines[3] = lines[3].replacingOccurrences(of: "一般公共预算", with: "火星") + ",多出来的字段"
        lines[4] = lines[4].replacingOccurrences(of: "1831100.00", with: "1.5e3")
        lines[5] = lines[5].replacingOccurrences(of: "2100799", with: "2.1E+06")
        lines.insert(",,,,,,,,,", at: 6)                                  // a blank record: skipped by both
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        let viaLoad = Set(problems { _ = try WorkbookFolder.read(folder, defaults: try defaultCodes()) }
            .map { "\($0.location) [\($0.rule)]" })
        let file = try FileImporter.read(url)
        let viaImport = Set(file.problems.problems.map { "\($0.location) [\($0.rule)]" })
        #expect(viaLoad == viaImport)
        #expect(viaLoad == ["items.csv 第 4 行 [field-count]", "items.csv 第 5 行 列 金额 [amount]",
                            "items.csv 第 6 行 列 功能科目 [mangled-code]"], "\(viaLoad)")
    }

    @Test("the template's headers and prompts come from the schema: each code column shows its own example")
    func templatePrompts() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let url = dir.file("input.xlsx")
        try InputTemplate.write(try demoBudget(), to: url)
        let reader = try XLSXReader(url: url)
        for (sheet, schema) in [("单位", TableSchema.units), ("项目", .projects), ("支出明细", .itemsWithBasis), ("收入", .revenue)] {
            #expect(try reader.rows(sheet: sheet)[0].cells.map(\.value) == schema.columns.map { .string($0.chinese) }, "\(sheet)")
        }
        let xml = try zipText(url, "xl/worksheets/sheet4.xml")
        let validations = xml.components(separatedBy: "<dataValidation ").dropFirst()
        func prompt(_ col: String) -> String? { validations.first { $0.contains("sqref=\"\(col)2:") } }
        #expect(prompt("B")?.contains("如 2080501") == true)
        #expect(prompt("C")?.contains("如 30101") == true)
        #expect(prompt("I")?.contains("如 50101") == true)
    }
}
