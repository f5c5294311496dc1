import ArgumentParser
import BudgetCore
@testable import BudgetStore
import Foundation
import GRDB
import Testing
@testable import budget

@Suite("命令行：budget verify")
struct VerifyCLITests {
    @Test("帮助")
    func help() throws {
        try expectSnapshot(BudgetCommand.helpMessage(for: BudgetCommand.Verify.self, columns: 100), "help-verify")
    }

    @Test("一致的工作区退出码为 0；小计被改动后列出每一处（节点、口径、元）并退出码非 0")
    func differences() throws {
        let (_, current, _) = try CLIFixtures.workspaces()
        #expect(try runError(["verify", current]) == nil)
        let ws = try Workspace.open(current)
        #expect(VerifyText.lines(try ws.verify(), codes: try ws.budgetWithoutItems().budget.codes).last?.hasPrefix("工作区一致") == true)
        try DatabaseQueue(path: current).write { db in
            // 100 分 more in the first slot of function 208, written into its BLOB (`KeptSlots`).
            let blob = try [UInt8](#require(try Data.fetchOne(db, sql: "SELECT slots FROM rollup_node WHERE kind = 'function' AND a = '208'")))
            var sums = Array(repeating: Int64(0), count: Slot.count), lines = sums
            #expect(KeptSlots.decode(blob, limit: .max, maxLines: .max, sums: &sums, lines: &lines) == nil)
            sums[Int(blob[0])] += 100
            try db.execute(sql: "UPDATE rollup_node SET slots = ? WHERE kind = 'function' AND a = '208'",
                           arguments: [Data(KeptSlots.encode(sums: sums, lines: lines))])
            try db.execute(sql: "UPDATE rollup_node SET lines = lines + 1 WHERE kind = 'unit' AND a = '080001'")
        }
        let text = VerifyText.lines(try ws.verify(), codes: try ws.budgetWithoutItems().budget.codes).joined(separator: "\n") + "\n"
        try expectSnapshot(text, "verify-differences")
        #expect(try runError(["verify", current]) != nil)
    }
}
