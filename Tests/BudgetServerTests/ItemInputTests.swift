import BudgetCore
import BudgetStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BudgetServer

/// What the page sends is read by the same rules as the files (issue 10): each failed before its fix.
@Suite("Item input from the page")
struct ItemInputTests {
    func input(amount: String, memo: String = "") throws -> API.ItemInput {
        let json = """
        {"unit":"080001","function":"2080501","economic":"30302","source":"一般公共预算","carryover":"当年",
         "kind":"基本支出","amount":\(try String(decoding: JSONEncoder().encode(amount), as: UTF8.self)),
         "memo":\(try String(decoding: JSONEncoder().encode(memo), as: UTF8.self))}
        """
        return try JSONDecoder().decode(API.ItemInput.self, from: Data(json.utf8))
    }

    @Test("full-width digits are the amount they show")
    func fullWidth() throws {
        #expect(try input(amount: "１２３４．５６").lineItem().amount == Money(fen: 123_456))
        #expect(try input(amount: "1,234.56").lineItem().amount == Money(fen: 123_456))
    }

    @Test("a NUL or another control character in the memo is refused")
    func controlCharacters() throws {
        #expect(throws: ProblemsError.self) { try input(amount: "1", memo: "a\u{0}b").lineItem() }
        #expect(throws: ProblemsError.self) { try input(amount: "1", memo: "a\u{7}b").lineItem() }
        #expect(try input(amount: "1", memo: "a\tb").lineItem().memo == "a\tb")
    }

    @Test("an amount past the line limit is refused with the limit")
    func lineLimit() throws {
        let line = try input(amount: "92233720368547758.08")
        do { _ = try line.lineItem(); Issue.record("must be refused") } catch {
            #expect(error.problems.first?.message.contains("上限") == true, "\(error)")
        }
    }

    /// Each line is within what the page's parser allowed (9 × 10^12 元); three pastes of 4,000
    /// such lines sum past Int64 (9.2 × 10^18 分) and wrapped the tree's 合计 to a negative figure.
    @Test("pasted batches cannot wrap the tree's 合计")
    func batches() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let app = Application(router: buildRouter(workbench: try Workbench(workspace: ws), configuration: ServerConfiguration()))
        let row = #"{"unit":"080001","function":"2080501","economic":"30302","source":"一般公共预算","carryover":"当年","kind":"基本支出","amount":"9000000000000"}"#
        let batch = "{\"items\":[" + Array(repeating: row, count: 4000).joined(separator: ",") + "]}"
        try await app.test(.router) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/api/items/batch", method: .post, headers: sameOrigin, body: body(batch)) { r in
                    #expect(r.status == .unprocessableContent)
                }
            }
            try await client.execute(uri: "/api/tree?view=function", method: .get, headers: sameOrigin) { r in
                let tree = try decode(TreeJSON.self, r)
                #expect(tree.total.values[0] == 13_487_417_800)
            }
        }
    }
}
