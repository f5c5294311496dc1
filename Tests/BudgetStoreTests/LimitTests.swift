import BudgetCore
import BudgetWorkbook
import Foundation
import Testing
@testable import BudgetStore

/// Limits on every edit and batch, text the store would not keep faithfully, and the files a
/// killed `budget load` leaves. Each test failed before its fix.
@Suite("Workspace: limits and leftovers")
struct LimitTests {
    func line(_ fen: Int64, memo: String = "") -> LineItem {
        LineItem(unit: "080001", function: "2080501", economic: "30302", amount: Money(fen: fen), memo: memo)
    }

    func snapshot(_ ws: Workspace) throws -> [StoredItem] { try ws.budgetWithItems().items }

    @Test("a batch that would push the total past the budget limit is refused and changes nothing")
    func batchPastTotal() throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try demoBudget())
        let before = try snapshot(ws)
        let lines = Array(repeating: line(10_000_000_000_000), count: 100)   // 100 × 1000 亿元, plus the demo
        do {
            try ws.addItems(lines, replace: false, author: "粘贴员")
            Issue.record("the batch must be refused")
        } catch let e as WorkspaceError {
            #expect("\(e)".contains("10 万亿元"), "\(e)")
        }
        #expect(try snapshot(ws) == before)
        #expect(try ws.lastChangeID() == 0)
    }

    @Test("two batches, each within the limit, cannot together pass it")
    func twoBatches() throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try demoBudget())
        try ws.addItems(Array(repeating: line(10_000_000_000_000), count: 50), replace: false, author: "甲")
        let before = try snapshot(ws)
        #expect(throws: WorkspaceError.self) {
            try ws.addItems(Array(repeating: line(10_000_000_000_000), count: 50), replace: false, author: "乙")
        }
        #expect(try snapshot(ws) == before)
        let total = try ws.budget().items.reduce(Int64(0)) { $0 + $1.amount.fen }
        #expect(total > 0 && total <= 1_000_000_000_000_000)
    }

    @Test("one edit past the total is refused; lowering an amount is always allowed")
    func editPastTotal() throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try demoBudget())
        try ws.addItems(Array(repeating: line(10_000_000_000_000), count: 99), replace: false, author: "甲")
        let before = try snapshot(ws)
        #expect(throws: WorkspaceError.self) { try ws.add(line(10_000_000_000_000), author: "甲") }
        var bigger = try #require(try ws.item(1))
        bigger.item.amount = Money(fen: 10_000_000_000_000)
        #expect(throws: WorkspaceError.self) { try ws.set(1, to: bigger.item, author: "甲") }
        #expect(try snapshot(ws) == before)
        var smaller = try #require(try ws.item(1))
        smaller.item.amount = Money(fen: 1)
        try ws.set(1, to: smaller.item, author: "甲")
    }

    @Test("a line past the line limit is refused by the store too")
    func linePastLimit() throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try demoBudget())
        #expect(throws: WorkspaceError.self) { try ws.add(line(10_000_000_000_001), author: "甲") }
        #expect(throws: WorkspaceError.self) { try ws.add(line(-1), author: "甲") }
    }

    @Test("a NUL in a memo is refused; the line and the change log never disagree")
    func nulInMemo() throws {
        let ws = try Workspace.create(at: temporaryPath(), budget: try demoBudget())
        let before = try snapshot(ws)
        #expect(throws: WorkspaceError.self) { try ws.add(line(100, memo: "a\u{0}b"), author: "甲") }
        #expect(throws: WorkspaceError.self) { try ws.addItems([line(100, memo: "a\u{1B}b")], replace: false, author: "甲") }
        #expect(try snapshot(ws) == before)
        let tab = try ws.add(line(100, memo: "a\tb"), author: "甲")
        #expect(try ws.item(tab.id)?.item.memo == "a\tb")
    }

    @Test("a load clears the temporary files of loads that were killed, and only those")
    func staleLoadingFiles() throws {
        let path = temporaryPath()
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
        let name = URL(fileURLWithPath: path).lastPathComponent
        let fm = FileManager.default
        // PID 99999999 is above Linux's pid_max (2^22): no such process. PID 1 is always alive.
        let dead = dir.appendingPathComponent(".\(name).loading-99999999").path
        let alive = dir.appendingPathComponent(".\(name).loading-1").path
        for p in [dead, dead + "-journal", alive] { #expect(fm.createFile(atPath: p, contents: Data("x".utf8))) }
        try Workspace.create(at: path, budget: try demoBudget())
        #expect(!fm.fileExists(atPath: dead))
        #expect(!fm.fileExists(atPath: dead + "-journal"))
        #expect(fm.fileExists(atPath: alive))
    }
}
