import ArgumentParser
import BudgetCore
import BudgetStore
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
            try db.execute(sql: """
                UPDATE rollup_sum SET fen = fen + 100
                WHERE node = (SELECT id FROM rollup_node WHERE kind = 'function' AND a = '208')
                  AND slot = (SELECT min(slot) FROM rollup_sum WHERE node = (SELECT id FROM rollup_node WHERE kind = 'function' AND a = '208'))
                """)
            try db.execute(sql: "UPDATE rollup_node SET lines = lines + 1 WHERE kind = 'unit' AND a = '080001'")
        }
        let text = VerifyText.lines(try ws.verify(), codes: try ws.budgetWithoutItems().budget.codes).joined(separator: "\n") + "\n"
        try expectSnapshot(text, "verify-differences")
        #expect(try runError(["verify", current]) != nil)
    }
}
