import BudgetCore
import Foundation
import Testing
@testable import BudgetStore

/// The store's support for the workbench's user model: steps of several edits in one
/// transaction, their revert (undo and redo), and the revision another process can see.
@Suite("Workspace steps and revision")
struct StepTests {
    @Test("a step is all or nothing: one bad line and nothing of it is written")
    func stepIsAtomic() throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try demoBudget())
        let first = try #require(try ws.item(1))
        var changed = first.item
        changed.amount = Money(fen: 5)
        let bad = LineItem(unit: "080001", function: "2089999", economic: "30302", amount: Money(fen: 5))
        #expect(throws: WorkspaceError.self) {
            try ws.apply([.set(id: 1, to: changed, expectedVersion: first.version), .add(bad)], author: "t")
        }
        #expect(try ws.item(1) == first)
        #expect(try ws.lastChangeID() == 0)
        // A stale version anywhere in the step refuses the whole step too.
        #expect(throws: WorkspaceError.self) {
            try ws.apply([.add(first.item), .remove(id: 1, expectedVersion: first.version + 1)], author: "t")
        }
        #expect(try ws.items().count == (try demoBudget()).items.count)
    }

    @Test("revert undoes a step in one transaction; a removed line comes back under its id")
    func revertRestores() throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try demoBudget())
        let before = try ws.budget()
        let one = try #require(try ws.item(1)), two = try #require(try ws.item(2))
        var changed = one.item
        changed.memo = "改过"
        let step = try ws.apply([.set(id: 1, to: changed, expectedVersion: one.version), .remove(id: 2, expectedVersion: two.version),
                                 .add(two.item)], author: "甲")
        let log = try #require(step.log)
        #expect(log.count == 3)
        let back = try ws.revert(log, author: "甲")
        #expect(try ws.budget() == before)
        let restored = try #require(try ws.item(2))
        #expect(restored.item == two.item)
        // Past every version the line ever had: an editor holding version 1 of its first life cannot overwrite it.
        #expect(restored.version > two.version)
        #expect(try ws.history(of: 2).map(\.action) == ["rm", "add"])
        // Redo is the revert of the undo.
        let redo = try ws.revert(try #require(back.log), author: "甲")
        #expect(redo.removed.map(\.id) == [2])
        #expect(try ws.item(1)?.item.memo == "改过")
    }

    @Test("revert refuses, changing nothing, when a line changed after the step")
    func revertRefusesLaterWork() throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try demoBudget())
        let one = try #require(try ws.item(1))
        var a = one.item
        a.memo = "甲"
        let step = try ws.apply([.set(id: 1, to: a, expectedVersion: one.version)], author: "甲")
        let now = try #require(try ws.item(1))
        var b = now.item
        b.memo = "乙"
        try ws.set(1, to: b, expectedVersion: now.version, author: "乙")
        let last = try ws.lastChangeID()
        do {
            try ws.revert(try #require(step.log), author: "甲")
            Issue.record("an undo must not overwrite a later change")
        } catch WorkspaceError.changedSince(let id, let current) {
            #expect(id == 1)
            #expect(current?.item.memo == "乙")
        }
        #expect(try ws.lastChangeID() == last)
        #expect(try ws.item(1)?.item.memo == "乙")
    }

    @Test("units, projects and codes written by another connection bump the context revision")
    func revisionCountsContextWrites() throws {
        let path = temporaryPath()
        let ws = try Workspace.create(at: path, budget: try demoBudget())
        let r0 = try ws.revision()
        let other = try Workspace.open(path)
        let line = try #require(try other.item(1))
        var l = line.item
        l.amount = Money(fen: 7)
        try other.set(1, to: l, expectedVersion: line.version, author: "t")
        let r1 = try ws.revision()
        #expect(r1.context == r0.context)
        #expect(r1.lines == r0.lines + 1)
        l.unit = "080077"
        try other.addItems([l], replace: false, author: "导入", newUnits: [BudgetUnit(code: "080077", name: "新单位", type: .institution)])
        let r2 = try ws.revision()
        #expect(r2.context > r1.context)
        _ = try other.importCodes(.function, [(code: "2200188", name: "测试科目")])
        #expect(try ws.revision().context > r2.context)
    }
}
