import BudgetCore
import Foundation
import Testing
@testable import BudgetStore

/// The disclosure table set a workspace names (workbook.json `tables`) is kept in its meta table.
@Suite("Workspace table set")
struct TableSetMetaTests {
    @Test("a workspace keeps the table set it was created with; without one it names none", arguments: ["mof-9", nil])
    func kept(_ set: String?) throws {
        var budget = try demoBudget()
        budget.tableSet = set
        let path = temporaryPath()
        try Workspace.create(at: path, budget: budget)
        let back = try Workspace.open(path).budget()
        #expect(back.tableSet == set)
        #expect(back == budget)
        #expect(try Workspace.open(path).budgetWithoutItems().budget.tableSet == set)
    }
}
