import ArgumentParser
import BudgetCore
import BudgetStore
import BudgetXLSX
import Foundation
import Testing
@testable import budget

/// `budget load` / `budget save` carry the disclosure files (绩效目标, 政府采购, 国有资产, texts), and
/// `budget publish` reads them from the workspace.
@Suite("Disclosure files through load, save and publish")
struct PublishCLITests {
    static let demo = CLIFixtures.root.appendingPathComponent("Workbooks/zezhou-natural-resources-2025")
    static let disclosureFiles = ["performance-targets.csv", "indicators.csv", "procurement.csv", "assets.csv",
                                  "texts/duties.md", "texts/organisation.md", "texts/reasons.md", "texts/other-notes.md"]

    static func temporaryFolder(_ name: String = #function) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("budget-publish-\(name.filter(\.isLetter))-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func run(_ args: [String]) throws {
        var command = try BudgetCommand.parseAsRoot(args)
        try command.run()
    }

    /// Every file under `folder`, by relative path.
    static func files(_ folder: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let url as URL in e where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            out[String(url.path.dropFirst(folder.path.count + 1))] = try Data(contentsOf: url)
        }
        return out
    }

    @Test("load → save → load → save is byte-identical with the disclosure files, and gives back the demo folder")
    func roundTrip() throws {
        let dir = try PublishCLITests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("A"), b = dir.appendingPathComponent("B")
        try PublishCLITests.run(["load", PublishCLITests.demo.path, "--into", dir.appendingPathComponent("a.budget").path])
        try PublishCLITests.run(["save", dir.appendingPathComponent("a.budget").path, "--to", a.path])
        try PublishCLITests.run(["load", a.path, "--into", dir.appendingPathComponent("b.budget").path])
        try PublishCLITests.run(["save", dir.appendingPathComponent("b.budget").path, "--to", b.path])
        let first = try PublishCLITests.files(a), second = try PublishCLITests.files(b)
        #expect(first == second)
        #expect(Set(first.keys).isSuperset(of: PublishCLITests.disclosureFiles))
        // The demo's files are already in the canonical form.
        let original = try PublishCLITests.files(PublishCLITests.demo)
        #expect(first == original, "differ: \(Set(first.keys).symmetricDifference(original.keys).sorted()) \(first.keys.filter { first[$0] != original[$0] }.sorted())")
    }

    @Test("save writes the workspace's disclosure files and removes stale ones; a workspace that never carried any leaves them")
    func saveReplacesOrLeaves() throws {
        let dir = try PublishCLITests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: target.appendingPathComponent("texts"), withIntermediateDirectories: true)
        try Data("item,value\n".utf8).write(to: target.appendingPathComponent("assets.csv"))
        try Data("## 其他\n\n旧的说明\n".utf8).write(to: target.appendingPathComponent("texts/other-notes.md"))

        // A workspace built without them (as before this version, or by `budget init`): the folder's files stay.
        let old = dir.appendingPathComponent("old.budget").path
        try Workspace.create(at: old, budget: try CLIFixtures.demo(2025)).close()
        try PublishCLITests.run(["save", old, "--to", target.path])
        #expect(try String(contentsOf: target.appendingPathComponent("assets.csv"), encoding: .utf8) == "item,value\n")

        // A load of a folder without disclosure files carries "none": save then removes the stale ones.
        let plain = dir.appendingPathComponent("plain")
        try PublishCLITests.run(["save", old, "--to", plain.path])
        let ws = dir.appendingPathComponent("plain.budget").path
        try PublishCLITests.run(["load", plain.path, "--into", ws])
        #expect(try Workspace.open(ws).disclosureFiles() == [:])
        try PublishCLITests.run(["save", ws, "--to", target.path])
        #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent("assets.csv").path))
        #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent("texts").path))
        #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("items.csv").path))
    }

    @Test("a bad disclosure file refuses the load: the workspace stays as it was")
    func badDisclosureRefusesLoad() throws {
        let dir = try PublishCLITests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ws = dir.appendingPathComponent("w.budget").path
        try PublishCLITests.run(["load", PublishCLITests.demo.path, "--into", ws])
        let copy = dir.appendingPathComponent("copy")
        try PublishCLITests.run(["save", ws, "--to", copy.path])
        try Data("item,value\n领导用车,两辆\n".utf8).write(to: copy.appendingPathComponent("assets.csv"))
        // runReporting prints the problems (file, line, column) and fails.
        #expect(try runError(["load", copy.path, "--into", ws]) != nil)
        #expect(try Workspace.open(ws).disclosureFiles()?["assets.csv"] == (try Data(contentsOf: PublishCLITests.demo.appendingPathComponent("assets.csv"))).map { $0 })
    }

    @Test("publish from the workspace reads the carried files: the same DOCX as from the folder; the XLSX has the procurement sheet and the target sheets")
    func publishFromWorkspace() throws {
        let dir = try PublishCLITests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ws = dir.appendingPathComponent("w.budget").path, prior = dir.appendingPathComponent("p.budget").path
        try PublishCLITests.run(["load", PublishCLITests.demo.path, "--into", ws])
        try PublishCLITests.run(["load", CLIFixtures.root.appendingPathComponent("Workbooks/zezhou-natural-resources-2024").path, "--into", prior])
        let out = dir.appendingPathComponent("公开.docx")
        try PublishCLITests.run(["publish", ws, "--prior", prior, "--out", out.path, "--sheets", dir.appendingPathComponent("表.xlsx").path])
        let bytes = try Data(contentsOf: out)
        #expect(bytes.count > 20_000)
        // The same document as from the workbook folders themselves: the carried files are the folder's.
        let fromFolder = dir.appendingPathComponent("文件夹.docx")
        try PublishCLITests.run(["publish", PublishCLITests.demo.path, "--prior",
                                 CLIFixtures.root.appendingPathComponent("Workbooks/zezhou-natural-resources-2024").path, "--out", fromFolder.path])
        #expect(try Data(contentsOf: fromFolder) == bytes)
        let xlsx = try XLSXReader(url: dir.appendingPathComponent("表.xlsx"))
        for name in ["结构图", "政府采购预算", "绩效目标1", "绩效目标10"] { #expect(throws: Never.self, "\(name)") { try xlsx.sheet(named: name) } }
        #expect(try runError(["publish", ws, "--prior", ws, "--out", out.path])?.contains("同一年") == true)
    }

    @Test("export --disclosure-sheets adds the chart, the procurement table and the target sheets after the 13 tables")
    func exportWithDisclosureSheets() throws {
        let dir = try PublishCLITests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ws = dir.appendingPathComponent("w.budget").path
        try PublishCLITests.run(["load", PublishCLITests.demo.path, "--into", ws])
        let out = dir.appendingPathComponent("公开表.xlsx")
        try PublishCLITests.run(["export", ws, "--out", out.path, "--disclosure-sheets", "--split", dir.appendingPathComponent("分表").path])
        let xlsx = try XLSXReader(url: out)
        for name in ["表1 预算收支总表", "表13 项目支出预算表（上年结转）", "结构图", "政府采购预算", "绩效目标1", "绩效目标10"] {
            #expect(throws: Never.self, "\(name)") { try xlsx.sheet(named: name) }
        }
        let procurement = try xlsx.rows(sheet: "政府采购预算")
        #expect(procurement[3].value(at: 0) == .string("政府采购预算合计") && procurement[3].value(at: 4) == .string("3.20"))
        // A split file holds its table only.
        let split = try XLSXReader(url: dir.appendingPathComponent("分表/表1 预算收支总表.xlsx"))
        #expect(throws: (any Error).self) { try split.sheet(named: "结构图") }
        // A workspace that never carried the disclosure files is refused, and nothing is written.
        let old = dir.appendingPathComponent("old.budget").path
        try Workspace.create(at: old, budget: try CLIFixtures.demo(2025)).close()
        let refused = dir.appendingPathComponent("refused.xlsx")
        #expect(try runError(["export", old, "--out", refused.path, "--disclosure-sheets"])?.contains("budget load") == true)
        #expect(!FileManager.default.fileExists(atPath: refused.path))
    }

    @Test("an import that fills an empty workspace keeps the disclosure files it carries")
    func importRebuildKeepsDisclosure() throws {
        let dir = try PublishCLITests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let demo = dir.appendingPathComponent("demo.budget").path, ws = dir.appendingPathComponent("e.budget").path
        let input = dir.appendingPathComponent("录入.xlsx").path
        try PublishCLITests.run(["load", PublishCLITests.demo.path, "--into", demo])
        try PublishCLITests.run(["template", demo, "--out", input])
        try PublishCLITests.run(["init", ws, "--department", "泽州县自然资源局", "--year", "2025"])
        let files = ["assets.csv": Array("item,value\n公务用车编制,2\n".utf8)]
        try Workspace.open(ws).replaceDisclosureFiles(files)
        try PublishCLITests.run(["import", ws, input])
        let after = try Workspace.open(ws)
        #expect(try after.budget().items.count == 31)
        #expect(try after.disclosureFiles() == files)
    }
}
