import BudgetCore
import BudgetWorkbook
import Foundation
import GRDB
import Testing
@testable import BudgetStore

let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func demoBudget() throws -> Budget {
    let codes = try CodeLists.loadDefaults(codesFolder: projectRoot.appendingPathComponent("Templates/codes"))
    return try WorkbookFolder.read(projectRoot.appendingPathComponent("Workbooks/zezhou-natural-resources-2025"), defaults: codes)
}

func temporaryPath(_ name: String = #function) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("budget-store-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent("\(name.filter(\.isLetter)).budget").path
}

@Suite("Workspace")
struct WorkspaceTests {
    @Test("a created workspace gives the same budget back")
    func createAndRead() throws {
        let budget = try demoBudget()
        let path = temporaryPath()
        try Workspace.create(at: path, budget: budget)
        let back = try Workspace.open(path).budget()
        #expect(back == budget)
    }

    @Test("edits are versioned, logged, and a stale edit is refused with the current value")
    func edits() throws {
        let path = temporaryPath()
        let ws = try Workspace.create(at: path, budget: try demoBudget())
        var item = try #require(try ws.item(1))
        item.item.amount = Money(fen: 100_000_00)
        let v2 = try ws.set(1, to: item.item, expectedVersion: 1, author: "张会计")
        #expect(v2.version == 2)
        var stale = item.item
        stale.amount = Money(fen: 1)
        do {
            try ws.set(1, to: stale, expectedVersion: 1, author: "李会计")
            Issue.record("a stale write must be refused")
        } catch WorkspaceError.versionConflict(let current, _) {
            #expect(current?.item.amount == Money(fen: 100_000_00))
        }
        let added = try ws.add(LineItem(unit: "080001", function: "2080501", economic: "30302", amount: Money(fen: 5)), author: "张会计")
        try ws.remove(added.id, author: "张会计")
        let history = try ws.history(of: 1)
        #expect(history.map(\.action) == ["set"])
        #expect(history[0].author == "张会计")
        #expect(history[0].before?.amount == Money(fen: 104_495_000))
        #expect(try ws.history(of: added.id).map(\.action) == ["add", "rm"])
        let changes = try ws.changes(since: 0)
        #expect(changes.removed == [added.id])
        #expect(changes.items.map(\.id) == [1])
    }

    @Test("a line that breaks a data rule is refused and nothing is written")
    func invalidEdit() throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try demoBudget())
        let before = try ws.budget()
        #expect(throws: WorkspaceError.self) {
            try ws.add(LineItem(unit: "080001", function: "2089999", economic: "30302", amount: Money(fen: 5)), author: "t")
        }
        #expect(throws: WorkspaceError.self) {
            try ws.add(LineItem(unit: "080001", function: "2200199", economic: "30299", kind: .project, project: "P99", amount: .zero), author: "t")
        }
        var bad = try demoBudget().items
        bad.append(LineItem(unit: "080001", function: "2200199", economic: "30299", kind: .project, project: nil, amount: .zero))
        #expect(throws: WorkspaceError.self) { try ws.addItems(bad, replace: true, author: "t") }
        #expect(try ws.budget() == before)
        #expect(try ws.lastChangeID() == 0)
    }

    @Test("a foreign SQLite file and a workspace from a newer program are refused")
    func identity() throws {
        let foreign = temporaryPath()
        let q = try DatabaseQueue(path: foreign)
        try q.write { try $0.execute(sql: "CREATE TABLE t(x)") }
        try q.close()
        do { _ = try Workspace.open(foreign); Issue.record("must refuse") } catch WorkspaceError.notAWorkspace {}

        let newer = temporaryPath()
        try Workspace.create(at: newer, budget: try demoBudget()).close()
        let q2 = try DatabaseQueue(path: newer)
        try q2.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v9-from-the-future')") }
        try q2.close()
        do { _ = try Workspace.open(newer); Issue.record("must refuse") } catch WorkspaceError.newerVersion(_, let ids) {
            #expect(ids == ["v9-from-the-future"])
        }
        do { _ = try Workspace.open("/nonexistent/x.budget"); Issue.record("must refuse") } catch WorkspaceError.notFound {}
    }

    @Test("bulk import replaces all lines in one transaction")
    func bulk() throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try demoBudget())
        let items = try demoBudget().items
        #expect(try ws.addItems(items, replace: true, author: "导入") == items.count)
        #expect(try ws.budget().items == items)
        #expect(try ws.addItems(Array(items.prefix(2)), replace: false, author: "导入") == 2)
        #expect(try ws.budget().items.count == items.count + 2)
    }

    @Test("a line's id is never given to another line, so its history stays its own")
    func idsNotReused() throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try demoBudget())
        let newest = try #require(try ws.items().last)
        try ws.remove(newest.id, author: "张会计")
        let added = try ws.add(newest.item, author: "李会计")
        #expect(added.id == newest.id + 1)
        #expect(try ws.history(of: newest.id).map(\.action) == ["rm"])
        #expect(try ws.history(of: added.id).map(\.action) == ["add"])
        // An import with --replace continues after every id ever used, and logs what it removed.
        let before = try ws.items().map(\.id)
        #expect(try ws.addItems([newest.item], replace: true, author: "导入") == 1)
        let after = try ws.items()
        #expect(after.count == 1 && after[0].id == added.id + 1)
        for id in before { #expect(try ws.history(of: id).last?.action == "rm") }
        #expect(try ws.history(of: after[0].id).first?.after == newest.item)
    }

    @Test("the change log writes what JSONEncoder would, and reads it back")
    func changeJSON() throws {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let memos = ["", "据实列支", "a \"quoted\" \\ back/slash", "tab\there\nline\r\u{01}\u{1F}", "emoji 🎉 and 、，"]
        for (i, memo) in memos.enumerated() {
            let item = LineItem(unit: "080001", function: "2080501", economic: "30101", source: Source(rawValue: i % 5)!,
                                carryover: i % 2 == 0 ? .currentYear : .carriedOver, kind: i % 2 == 0 ? .basic : .project,
                                project: i % 2 == 0 ? nil : "P0\(i)", amount: Money(fen: Int64(i) * 1_000_003),
                                governmentEconomic: i == 3 ? "50101" : nil, memo: memo)
            let ours = ChangeJSON.encode(item)
            #expect(ours == String(decoding: try e.encode(item), as: UTF8.self))
            #expect(ChangeJSON.decode(ours) == item)
        }
    }

    @Test("a workspace built by a load has exactly the schema the migrations make")
    func loadedSchemaIsMigrated() throws {
        let loaded = try Workspace.create(at: temporaryPath(), budget: try demoBudget())
        let migratedPath = temporaryPath("migrated")
        let queue = try DatabaseQueue(path: migratedPath)
        try Schema.migrator.migrate(queue)
        let sql = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        let expected = try queue.read { db in try Row.fetchAll(db, sql: sql) }
        let actual = try loaded.dbWriter.read { db in try Row.fetchAll(db, sql: sql) }
        #expect(actual == expected)
        #expect(try loaded.dbWriter.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }.isEmpty)
    }

    @Test("codes import adds and renames in one transaction")
    func codes() throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try demoBudget())
        let r = try ws.importCodes(.function, [("2209988", "测试项"), ("2200101", "行政运行"), ("2200199", "其他（改名）")])
        #expect(r.added == 1 && r.renamed == 1)
        let book = try ws.budget().codes
        #expect(book.entries[.function]?["2209988"]?.origin == .workbook)
        #expect(book.entries[.function]?["2200101"]?.origin == .defaults)
    }
}

/// The load command replaces a workspace only when the whole load succeeds: killed in the middle,
/// the old workspace is intact.
@Suite("Durability", .serialized)
struct DurabilityTests {
    /// The `budget` executable built beside the test bundle (`swift build` runs before `swift test` in CI).
    static func budgetBinary() throws -> URL {
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("budget")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        for c in [".build/debug/budget", ".build/release/budget"] {
            let u = projectRoot.appendingPathComponent(c)
            if FileManager.default.isExecutableFile(atPath: u.path) { return u }
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "budget binary not built: run `swift build` first"])
    }

    @Test("kill -9 in the middle of a load leaves the old workspace as it was")
    func killMidLoad() throws {
        let binary = try DurabilityTests.budgetBinary()
        let path = temporaryPath()
        let original = try demoBudget()
        try Workspace.create(at: path, budget: original).close()

        // A budget large enough that its load takes a while.
        let codes = try CodeLists.loadDefaults(codesFolder: projectRoot.appendingPathComponent("Templates/codes"))
        let big = SyntheticBudget.make(items: 300_000, codes: codes)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("big")
        try WorkbookFolder.write(big, to: folder)

        var killedWhileLoading = 0
        for delay in [0.15, 0.4, 0.8] {
            let p = Process()
            p.executableURL = binary
            p.arguments = ["load", folder.path, "--into", path]
            p.environment = ["BUDGET_HOME": projectRoot.path]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: delay)
            if p.isRunning { killedWhileLoading += 1 }
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let ws = try Workspace.open(path)
            #expect(try ws.budget() == original, "after a kill at \(delay) s")
            #expect(try ws.verify().isClean, "kept subtotals after a kill at \(delay) s")
            try ws.close()
        }
        #expect(killedWhileLoading > 0, "the load finished before any kill: the test proved nothing")

        // And a load that completes does replace it.
        let p = Process()
        p.executableURL = binary
        p.arguments = ["load", folder.path, "--into", path]
        p.environment = ["BUDGET_HOME": projectRoot.path]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(try Workspace.open(path).budget().items.count == big.items.count)
    }

    @Test("kill -9 in the middle of an import leaves the lines and their kept subtotals as they were, or all of it done")
    func killMidImport() throws {
        let binary = try DurabilityTests.budgetBinary()
        let path = temporaryPath()
        let codes = try CodeLists.loadDefaults(codesFolder: projectRoot.appendingPathComponent("Templates/codes"))
        let big = SyntheticBudget.make(items: 100_000, codes: codes)
        var small = big
        small.items = Array(big.items.prefix(50))
        try Workspace.create(at: path, budget: small).close()
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("big")
        try WorkbookFolder.write(big, to: folder)

        /// Starts `budget import` (appending, or with `--replace`), kills it after `killAfter` seconds
        /// if given; returns what it printed and whether it was still running when killed.
        func importing(replace: Bool, killAfter: Double?) throws -> (output: String, killedWhileRunning: Bool) {
            let p = Process()
            p.executableURL = binary
            p.arguments = ["import", path, folder.appendingPathComponent("items.csv").path] + (replace ? ["--replace"] : [])
            p.environment = ["BUDGET_HOME": projectRoot.path]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            var running = false
            if let killAfter {
                Thread.sleep(forTimeInterval: killAfter)
                running = p.isRunning
                kill(p.processIdentifier, SIGKILL)
            }
            let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (printed, running)
        }
        /// Where the write of an import runs, in seconds from its start: after the read and the
        /// check its last line reports (读取 … ms，校验 … ms，写入工作区 … ms), measured on an import not killed.
        func writeWindow(_ printed: String) -> (start: Double, length: Double)? {
            let ms = printed.split(separator: "\n").last { $0.hasPrefix("读取") }.map {
                $0.split(whereSeparator: { !$0.isNumber }).compactMap { Double($0) }
            } ?? []
            guard ms.count >= 4 else { return nil }
            return ((ms[1] + ms[2]) / 1000, ms[3] / 1000)
        }
        // One whole append and one whole replace first: where their writes run on this machine today.
        let append = try importing(replace: false, killAfter: nil), replace = try importing(replace: true, killAfter: nil)
        let windows = try [false: #require(writeWindow(append.output)), true: #require(writeWindow(replace.output))]

        // Then kills spread over each write (the process's start-up comes on top, so the first
        // ones may land in the check), alternately appending and replacing (a replace drops and
        // remakes the line and kept-sum tables).
        var before = big.items.count, killedWhileRunning = 0
        for (k, f) in [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 1.1].enumerated() {
            let isReplace = k % 2 == 1
            let w = windows[isReplace]!
            let delay = w.start + f * w.length
            let ran = try importing(replace: isReplace, killAfter: delay)
            if ran.killedWhileRunning { killedWhileRunning += 1 }
            let ws = try Workspace.open(path)
            let count = try ws.items().count
            #expect([before, isReplace ? big.items.count : before + big.items.count].contains(count),
                    "after a kill at \(delay) s\(isReplace ? " (--replace)" : ""): \(count) lines, \(before) before")
            print("import\(isReplace ? " --replace" : ""), kill -9 at \(String(format: "%.2f", delay)) s (\(Int(f * 100)) % into its write)\(ran.killedWhileRunning ? " while it ran" : " after it ended"): \(before) → \(count) lines")
            before = count
            let report = try ws.verify()
            #expect(report.isClean, "kept subtotals after a kill at \(delay) s: \(report.sums.prefix(2))")
            let indexes = try ws.dbWriter.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'item' AND sql IS NOT NULL ORDER BY name")
            }
            #expect(indexes == ["item_by_unit_project", "item_with_basis"], "the line table's indexes after a kill at \(delay) s")
            try ws.close()
        }
        #expect(killedWhileRunning >= 4, "most imports finished before their kill: the test proved little")
    }

    @Test("a failed load exits non-zero and changes nothing")
    func failedLoad() throws {
        let binary = try DurabilityTests.budgetBinary()
        let path = temporaryPath()
        let original = try demoBudget()
        try Workspace.create(at: path, budget: original).close()
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("bad")
        var bad = original
        bad.items[0].function = "2089999"
        try WorkbookFolder.write(bad, to: folder)
        let p = Process()
        p.executableURL = binary
        p.arguments = ["load", folder.path, "--into", path]
        p.environment = ["BUDGET_HOME": projectRoot.path]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 1)
        #expect(message.contains("items.csv") && message.contains("2089999"))
        #expect(try Workspace.open(path).budget() == original)
    }
}
