import BudgetCore
import BudgetWorkbook
import Foundation
import GRDB
import Testing
@testable import BudgetStore

/// The load's build: lines inserted while they are read, on a writer thread; the foreign-key pass
/// over the lines left out only when the references were proven in memory.
@Suite("Workspace: load")
struct LoadTests {
    /// Expects `create` to refuse `budget` with the foreign-key message naming `table`, leaving the
    /// demo workspace at `path` as it was.
    func expectRefused(_ budget: Budget, table: String) throws {
        let path = temporaryPath()
        let original = try demoBudget()
        try Workspace.create(at: path, budget: original).close()
        do {
            try Workspace.create(at: path, budget: budget)
            Issue.record("a dangling reference in \(table) must be refused")
        } catch let e as WorkspaceError {
            // A WITHOUT ROWID table (project, parameter) has no row number to name: 第 0 行, as before.
            #expect(e.description.hasPrefix("数据库错误：外键不一致：表 \(table) 第 "), "\(e)")
        }
        #expect(try Workspace.open(path).budget() == original)
    }

    @Test("a line whose unit is not a unit is refused (the lines' foreign keys are then checked)")
    func danglingUnit() throws {
        var b = try demoBudget()
        b.items[0].unit = "099999"
        try expectRefused(b, table: "item")
    }

    @Test("a line whose unit equals a unit only as Swift compares (U+212A KELVIN SIGN against K) is refused")
    func canonicallyEqualUnit() throws {
        var b = try demoBudget()
        let old = b.units[0].code
        b.units[0].code = "K" + old
        for i in b.items.indices where b.items[i].unit == old { b.items[i].unit = "\u{212A}" + old }
        for i in b.projects.indices where b.projects[i].unit == old { b.projects[i].unit = "K" + old }
        #expect(b.items[0].unit == b.units[0].code, "Swift's == is canonical equivalence")
        try expectRefused(b, table: "item")
    }

    @Test("a project line whose project is not one of its unit's is refused")
    func danglingProject() throws {
        var b = try demoBudget()
        let k = try #require(b.items.firstIndex { $0.kind == .project })
        b.items[k].project = "P99"
        b.items.swapAt(0, k)
        try expectRefused(b, table: "item")
    }

    @Test("a parameter of an unknown unit is refused by the check of the tables not proven in memory")
    func danglingParameter() throws {
        var b = try demoBudget()
        b.parameters = [Parameter(unit: "099999", name: "单价", value: try BasisNumber.parse("1"))]
        try expectRefused(b, table: "parameter")
    }

    @Test("a project of an unknown unit is refused")
    func danglingProjectUnit() throws {
        var b = try demoBudget()
        b.projects[0].unit = "099999"
        for i in b.items.indices where b.items[i].project == b.projects[0].code { b.items[i].kind = .basic; b.items[i].project = nil }
        try expectRefused(b, table: "project")
    }

    @Test("a folder streamed to the writer while it is read gives what a load of the read budget gives, bases computed")
    func streamedEqualsWhole() throws {
        let codes = try CodeLists.loadDefaults(codesFolder: projectRoot.appendingPathComponent("Templates/codes"))
        let folder = projectRoot.appendingPathComponent("Workbooks/shifan-agriculture-2026")
        let whole = try WorkbookFolder.read(folder, defaults: codes)
        #expect(whole.items.contains { $0.basis != nil })
        let streamed = temporaryPath("streamed"), plain = temporaryPath("plain")
        var sent = 0
        let ws = try Workspace.create(at: streamed) { lines in
            let b = try WorkbookFolder.readReporting(folder, defaults: codes, lines: { sent += $0.count; lines.send($0) }).budget
            return (b, nil)
        }
        #expect(sent == whole.items.count)
        try Workspace.create(at: plain, budget: whole).close()
        #expect(try ws.budget() == Workspace.open(plain).budget())
        #expect(try ws.verify().isClean)
    }

    @Test("a reader that fails after sending lines: its error as it is, the old workspace kept, no file left")
    func readerFails() throws {
        let path = temporaryPath()
        let original = try demoBudget()
        try Workspace.create(at: path, budget: original).close()
        struct Refused: Error {}
        do {
            try Workspace.create(at: path) { lines in
                lines.send(original.items[...])
                throw Refused()
            }
            Issue.record("must rethrow")
        } catch is Refused {}
        #expect(try Workspace.open(path).budget() == original)
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp-") }.isEmpty)
    }

    @Test("an import that replaces every line rebuilds the (unit, project) index: the schema is the migrations', the sums verify")
    func replaceKeepsSchema() throws {
        // More lines and nodes than one multi-row statement holds (RowBatch, ChangeLogWriter.logAll), and not a multiple of it.
        let codes = try CodeLists.loadDefaults(codesFolder: projectRoot.appendingPathComponent("Templates/codes"))
        var big = SyntheticBudget.make(items: 1_000 + 13, codes: codes)
        // Texts the log's JSON escapes, on lines in a full batch and in the last, partial one.
        let memos = ["a \"quoted\" \\ back/slash", "tab\there\nline", "emoji 🎉 and 、，", ""]
        for k in [0, 5, 64, 700, 1_000, 1_012] { big.items[k].memo = memos[k % memos.count] }
        let ws = try Workspace.create(at: temporaryPath(), budget: big)
        var items = big.items
        items.reverse()
        #expect(try ws.addItems(items, replace: true, author: "导入") == items.count)
        let migrated = try DatabaseQueue(path: temporaryPath("migrated"))
        try Schema.migrator.migrate(migrated)
        let sql = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        #expect(try ws.dbWriter.read { db in try Row.fetchAll(db, sql: sql) } == migrated.read { db in try Row.fetchAll(db, sql: sql) })
        #expect(try ws.budget().items == items)
        #expect(try ws.verify().isClean)
        // The change log has every removed and every added line, in order, one row each.
        let actions = try ws.dbWriter.read { db in try String.fetchAll(db, sql: "SELECT action FROM change_log ORDER BY id") }
        #expect(actions == Array(repeating: "rm", count: items.count) + Array(repeating: "add", count: items.count))
        for k in [0, 63, 64, 1_012] { #expect(try ws.history(of: Int64(items.count + k) + 1).first?.after == items[k]) }
        for k in [1, 64, 1_013] { #expect(try ws.history(of: Int64(k)).last?.before == big.items[k - 1]) }
        // Each removed line's JSON, built from its stored columns, is what ChangeJSON.encode writes for it.
        let removed = try ws.dbWriter.read { db in
            try Row.fetchAll(db, sql: "SELECT item_id, before FROM change_log WHERE action = 'rm' ORDER BY id").map { ($0[0] as Int64, $0[1] as String) }
        }
        #expect(removed.map(\.0) == (1...Int64(big.items.count)).map { $0 })
        #expect(removed.map(\.1) == big.items.map(ChangeJSON.encode))
    }
}
