import BudgetCore
import BudgetExport
import BudgetTables
import BudgetXLSX
import Foundation
import Testing

/// The JSON blocks of a document, by the file name on their fence (```` ```json units.json ````).
enum DocBlocks {
    static func read(_ doc: String) throws -> [String: String] {
        let text = try String(contentsOf: Fixtures.root.appendingPathComponent("docs/\(doc)"), encoding: .utf8)
        var blocks: [String: String] = [:]
        var name: String?, body: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let n = name {
                if line == "```" { blocks[n] = body.joined(separator: "\n"); name = nil; body = [] } else { body.append(String(line)) }
            } else if line.hasPrefix("```json "), let file = line.split(separator: " ").last, file.hasSuffix(".json") {
                name = String(file)
            }
        }
        return blocks
    }

    /// The worked example of docs/templates.md (and its rules from docs/rules.md) as a set folder.
    static func exampleSet() throws -> URL {
        var files = try read("templates.md")
        files["rules.json"] = try read("rules.md")["rules.json"]
        return try TemplateSetTests.writeSet(files)
    }
}

@Suite("docs/templates.md: the worked example builds its tables")
struct DocExampleTests {
    @Test("the document's set.json, units.json and three-public.json load as a set and export the demo")
    func workedExample() throws {
        let blocks = try DocBlocks.read("templates.md")
        #expect(Set(blocks.keys) == ["set.json", "units.json", "three-public.json"])
        let dir = try DocBlocks.exampleSet()
        defer { try? FileManager.default.removeItem(at: dir) }
        let set = try TableTemplateSet.load(dir)
        #expect(set.id == "example" && set.tables.map(\.key) == ["U1", "U2"])
        let budget = try Fixtures.demoBudget()
        let out = dir.appendingPathComponent("example.xlsx")
        _ = try DisclosureExport.run(budget: budget, templates: set, out: out)
        let reader = try XLSXReader(url: out)
        #expect(reader.sheets.map(\.name) == ["表1 分单位支出表", "表2 三公经费"])
        let u1 = try PrintedSheet(reader, sheet: "表1 分单位支出表")
        let current = budget.items.filter { $0.carryover == .currentYear }
        #expect(u1.figureRows.first == ["合计", TemplateSetTests.printed(current) { _ in true },
                                        TemplateSetTests.printed(current) { $0.kind == .basic },
                                        TemplateSetTests.printed(current) { $0.kind == .project }])
        #expect(u1.figureRows.contains { $0.first == "泽州县自然资源局" })
        let u2 = try PrintedSheet(reader, sheet: "表2 三公经费")
        #expect(u2.contains("注：本部门2025年没有“三公”经费，本表无数据。"))
    }

    @Test("a mistake in the example is reported with the file, the JSON path and what is allowed")
    func exampleMistake() throws {
        var files = try DocBlocks.read("templates.md")
        files["rules.json"] = "{}"
        files["units.json"] = files["units.json"]!.replacingOccurrences(of: #""measure": "basic""#, with: #""measure": "basci""#)
        let dir = try TemplateSetTests.writeSet(files)
        defer { try? FileManager.default.removeItem(at: dir) }
        do { _ = try TableTemplateSet.load(dir); Issue.record("accepted an unknown measure") } catch {
            #expect(error.problems.count == 1)
            #expect(error.problems.first?.file.hasSuffix("units.json") == true)
            #expect(error.problems.first?.message == "`sides[0].columns[2].measure`：未定义的口径 `basci`（set.json 中已定义：all、basic、current、fiscal、general-public、project）")
        }
    }
}
