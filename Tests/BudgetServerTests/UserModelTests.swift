import BudgetCore
import BudgetStore
import BudgetWorkbook
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BudgetServer

/// What `POST /api/edit` answers.
struct OutcomeJSON: Decodable {
    struct Item: Decodable { var id: Int64; var version: Int64; var unit: String; var function: String; var amount: Int64
        var amountText: String; var amountInput: String; var memo: String; var kind: String; var project: String }
    struct Row: Decodable { var key: String; var values: [Int64]; var cells: [String] }
    struct Tree: Decodable { var view: String; var reload: Bool; var total: Row?; var rows: [Row] }
    var message: String
    var notes: [String]
    var items: [Item]
    var added: [Int64]
    var removed: [Int64]
    var tree: Tree
    var last: Int64
    var undo: String?
    var redo: String?
}

/// The user model without a browser: each intention through the router, as the page sends it.
@Suite("User model (intentions, steps, undo and redo)")
struct UserModelTests {
    struct Fixture {
        let ws: Workspace
        let dir: URL
        let app: Application<RouterResponder<BasicRequestContext>>
    }

    func fixture(prior: Bool = false) throws -> Fixture {
        let (ws, dir) = try demoWorkspace()
        var priorWS: Workspace?
        if prior {
            let root = try ResourceRoot.locate()
            let codes = try CodeLists.loadDefaults(codesFolder: root.codes)
            let pb = try WorkbookFolder.read(root.workbooks.appendingPathComponent("zezhou-natural-resources-2024"), defaults: codes)
            priorWS = try Workspace.create(at: dir.appendingPathComponent("prior.budget").path, budget: pb)
        }
        let wb = try Workbench(workspace: ws, prior: priorWS)
        return Fixture(ws: ws, dir: dir, app: Application(router: buildRouter(workbench: wb, configuration: ServerConfiguration())))
    }

    /// Sends an intention; returns the status and the body.
    func send(_ client: some TestClientProtocol, _ intent: [String: Any]) async throws -> (HTTPResponse.Status, Data) {
        let data = try JSONSerialization.data(withJSONObject: intent)
        return try await client.execute(uri: "/api/edit", method: .post, headers: sameOrigin, body: ByteBuffer(bytes: data)) { r in
            (r.status, Data(r.body.readableBytesView))
        }
    }

    func outcome(_ client: some TestClientProtocol, _ intent: [String: Any]) async throws -> OutcomeJSON {
        let (status, data) = try await send(client, intent)
        #expect(status == .ok, "\(String(decoding: data, as: UTF8.self))")
        return try JSONDecoder().decode(OutcomeJSON.self, from: data)
    }

    func error(_ client: some TestClientProtocol, _ intent: [String: Any], _ expected: HTTPResponse.Status) async throws -> ErrorJSON {
        let (status, data) = try await send(client, intent)
        #expect(status == expected, "\(String(decoding: data, as: UTF8.self))")
        return try JSONDecoder().decode(ErrorJSON.self, from: data)
    }

    func firstBasicLine(_ ws: Workspace) throws -> StoredItem {
        try #require(try ws.items(ItemFilter(functionPrefix: "2200101", kind: .basic, limit: 1)).first)
    }

    @Test func setAnswersWithTheLineAndTheTreeRowsItChanged() async throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let line = try firstBasicLine(f.ws)
        try await f.app.test(.router) { client in
            let o = try await outcome(client, ["op": "set", "session": "tab-1", "author": "王会计", "view": "function",
                                               "id": Int(line.id), "version": Int(line.version), "fields": ["amount": "1045000.5"]])
            #expect(o.items.map(\.amount) == [104_500_050])
            #expect(o.items.first?.amountText == "1,045,000.50")
            #expect(o.items.first?.version == line.version + 1)
            // Exactly the rows the line counts in: 合计, 220, 22001, 2200101; each as the tree shows it now.
            #expect(o.tree.reload == false)
            #expect(o.tree.rows.map(\.key) == ["f:220", "f:22001", "f:2200101"])
            let tree = try await client.execute(uri: "/api/tree?view=function", method: .get) { try decode(TreeJSON.self, $0) }
            for r in o.tree.rows { #expect(tree.row(r.key)?.values == r.values, "\(r.key)") }
            #expect(o.tree.total?.values == tree.total.values)
            #expect(o.undo == "修改明细 #\(line.id) 的「金额」")
            #expect(try f.ws.item(line.id)?.item.amount.fen == 104_500_050)
        }
    }

    @Test func amountsTypedInWanAreParsedOnTheServerAndShownAsPrinted() async throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let line = try firstBasicLine(f.ws)
        try await f.app.test(.router) { client in
            let o = try await outcome(client, ["op": "set", "session": "t", "money": "wan", "id": Int(line.id), "version": Int(line.version),
                                               "fields": ["amount": "104.500005"]])
            #expect(o.items.first?.amount == 104_500_005)
            #expect(o.items.first?.amountText == "104.50")
            #expect(o.items.first?.amountInput == "104.500005")
            // A field the grid does not have is refused, not ignored.
            let unknown = try await error(client, ["op": "set", "id": Int(line.id), "version": Int(line.version + 1),
                                                   "fields": ["amout": "5"]], .badRequest)
            #expect(unknown.error.contains("amout"))
            // A seventh decimal is more than a 分: refused by the parser, nothing written.
            let e = try await error(client, ["op": "set", "money": "wan", "id": Int(line.id), "version": Int(line.version) + 1,
                                             "fields": ["amount": "1.0000001"]], .unprocessableContent)
            #expect(e.problems.contains { $0.contains("金额") })
            #expect(try f.ws.item(line.id)?.item.amount.fen == 104_500_005)
        }
    }

    @Test func aPastedBlockIsOneStepAndItsUndoIsOneTransaction() async throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let line = try firstBasicLine(f.ws)
        let count = try f.ws.items().count
        let n = 5000
        let cells = (0..<n).map { i in [line.item.unit, "\(line.item.function) 名称", line.item.economic, "一般公共预算", "当年", "基本支出", "",
                                        "\(i + 1).25", "粘贴 \(i)"] }
        try await f.app.test(.router) { client in
            let pasted = try await outcome(client, ["op": "paste", "session": "tab-1", "author": "王会计", "column": "unit", "lines": [],
                                                    "cells": cells, "draft": [:]])
            #expect(pasted.added.count == n)
            #expect(pasted.message.contains("已粘贴 5000 行"))
            #expect(pasted.undo == "粘贴 5000 行")
            #expect(try f.ws.items().count == count + n)
            let logBefore = try f.ws.lastChangeID()
            let undone = try await outcome(client, ["op": "undo", "session": "tab-1", "author": "王会计"])
            #expect(undone.removed.count == n)
            #expect(undone.message == "已撤销：粘贴 5000 行")
            #expect(undone.redo == "粘贴 5000 行")
            #expect(try f.ws.items().count == count)
            // One transaction: the undo's 5000 log rows share one time (ChangeLogWriter stamps a transaction once).
            let ids = Array(pasted.added.prefix(3)) + [try #require(pasted.added.last)]
            let times = Set(try ids.map { try #require(try f.ws.history(of: $0).last).at })
            #expect(times.count == 1)
            #expect(try f.ws.lastChangeID() == logBefore + Int64(n))
            // Redo brings the same lines back under their ids.
            let redone = try await outcome(client, ["op": "redo", "session": "tab-1", "author": "王会计"])
            #expect(Set(redone.items.map(\.id)) == Set(pasted.added))
            #expect(try f.ws.item(pasted.added[0])?.item.memo == "粘贴 0")
            #expect(try f.ws.history(of: pasted.added[0]).map(\.action) == ["add", "rm", "add"])
        }
    }

    @Test func anUndoThatWouldOverwriteSomeoneElsesChangeChangesNothing() async throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let line = try firstBasicLine(f.ws)
        let cells = (1...3).map { i in [line.item.unit, line.item.function, line.item.economic, "一般公共预算", "当年", "基本支出", "", "\(i)", ""] }
        try await f.app.test(.router) { client in
            let pasted = try await outcome(client, ["op": "paste", "session": "a", "column": "unit", "cells": cells])
            // Someone else changes the third pasted line.
            let other = try Workspace.open(f.ws.path)
            let third = try #require(try other.item(pasted.added[2]))
            var changed = third.item
            changed.amount = Money(fen: 999)
            try other.set(third.id, to: changed, expectedVersion: third.version, author: "李科长")
            let e = try await error(client, ["op": "undo", "session": "a"], .conflict)
            #expect(e.error.contains("#\(third.id)"))
            #expect(e.error.contains("无法撤销"))
            // All or nothing: the first two are still there.
            for id in pasted.added { #expect(try f.ws.item(id) != nil) }
            // The step is gone from the stack, said so; the next undo has nothing.
            let next = try await outcome(client, ["op": "undo", "session": "a"])
            #expect(next.message == "没有可撤销的操作")
        }
    }

    @Test func undoStacksArePerSession() async throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let line = try firstBasicLine(f.ws)
        try await f.app.test(.router) { client in
            _ = try await outcome(client, ["op": "set", "session": "tab-a", "id": Int(line.id), "version": Int(line.version), "fields": ["memo": "甲改"]])
            let other = try #require(try f.ws.items(ItemFilter(limit: 2)).last)
            _ = try await outcome(client, ["op": "set", "session": "tab-b", "id": Int(other.id), "version": Int(other.version), "fields": ["memo": "乙改"]])
            // Tab a's undo takes back tab a's change only.
            let u = try await outcome(client, ["op": "undo", "session": "tab-a"])
            #expect(u.items.map(\.id) == [line.id])
            #expect(try f.ws.item(line.id)?.item.memo == line.item.memo)
            #expect(try f.ws.item(other.id)?.item.memo == "乙改")
            // Without a session nothing is undoable, said plainly.
            let e = try await error(client, ["op": "undo"], .badRequest)
            #expect(e.error.contains("session"))
            // A new step ends what could be redone.
            #expect(u.redo != nil)
            let s = try #require(try f.ws.item(line.id))
            let again = try await outcome(client, ["op": "set", "session": "tab-a", "id": Int(s.id), "version": Int(s.version), "fields": ["memo": "再改"]])
            #expect(again.redo == nil)
        }
    }

    @Test func aWholeRowPastedOneColumnLateIsPlacedFromTheFirstColumnAndSaysSo() async throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let line = try firstBasicLine(f.ws)
        let row = [line.item.unit, line.item.function, line.item.economic, "一般公共预算", "当年", "基本支出", "", "12.50", "整行"]
        try await f.app.test(.router) { client in
            let o = try await outcome(client, ["op": "paste", "session": "s", "column": "function", "cells": [row], "draft": ["unit": line.item.unit]])
            #expect(o.added.count == 1)
            #expect(o.notes.contains { $0.contains("正好是一整行明细") && $0.contains("「预算单位」") && $0.contains("「功能分类」") })
            #expect(o.items.first?.memo == "整行")
            // A block wider than what is left of the row is refused, saying how much fits.
            let e = try await error(client, ["op": "paste", "column": "amount", "cells": [["1", "备注", "多一列"]]], .unprocessableContent)
            #expect(e.error.contains("有 3 列"))
            #expect(e.error.contains("只放得下 2 列"))
        }
    }

    @Test func aCopiedHeaderRowIsNotALine() async throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let line = try firstBasicLine(f.ws)
        let header = ["预算单位", "功能分类", "经济分类", "资金来源", "年度", "支出类型", "项目", "金额", "备注"]
        let row = [line.item.unit, line.item.function, line.item.economic, "一般公共预算", "当年", "基本支出", "", "3", "有表头"]
        try await f.app.test(.router) { client in
            let o = try await outcome(client, ["op": "paste", "session": "s", "column": "unit", "cells": [header, row]])
            #expect(o.added.count == 1)
            #expect(o.notes.contains { $0.contains("表头") })
        }
    }

    @Test func aPasteWithBadRowsSaysEveryProblemInTheGridsWordsAndAddsNothing() async throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let line = try firstBasicLine(f.ws)
        let count = try f.ws.items().count
        let cells = [[line.item.unit, "9999999", line.item.economic, "一般公共预算", "当年", "基本支出", "", "1", ""],
                     ["", "", "", "", "", "", "", "", ""],
                     [line.item.unit, line.item.function, line.item.economic, "火星", "当年", "基本支出", "", "1.234", ""]]
        try await f.app.test(.router) { client in
            let e = try await error(client, ["op": "paste", "column": "unit", "cells": cells], .unprocessableContent)
            #expect(e.problems.contains { $0.contains("第 1 行") && $0.contains("功能分类") && $0.contains("9999999") })
            #expect(e.problems.contains { $0.contains("第 2 行") && $0.contains("空行") })
            #expect(e.problems.contains { $0.contains("第 3 行") && $0.contains("火星") })
            #expect(e.problems.contains { $0.contains("第 3 行") && $0.contains("超过两位小数") })
            #expect(try f.ws.items().count == count)
        }
    }

    @Test func removingSeveralLinesIsOneStep() async throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let lines = try f.ws.items(ItemFilter(limit: 3))
        try await f.app.test(.router) { client in
            let o = try await outcome(client, ["op": "remove", "session": "s", "view": "economic",
                                               "lines": lines.map { ["id": Int($0.id), "version": Int($0.version)] }])
            #expect(Set(o.removed) == Set(lines.map(\.id)))
            #expect(o.tree.view == "economic")
            #expect(o.tree.total != nil || o.tree.reload)
            let u = try await outcome(client, ["op": "undo", "session": "s"])
            #expect(Set(u.items.map(\.id)) == Set(lines.map(\.id)))
            for l in lines { #expect(try f.ws.item(l.id)?.item == l.item) }
        }
    }

    @Test func aUnitAddedByAnotherConnectionReachesTheRunningServer() async throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let line = try firstBasicLine(f.ws)
        try await f.app.test(.router) { client in
            struct Meta: Decodable { var units: [API.UnitJSON] }
            let before = try await client.execute(uri: "/api/meta", method: .get) { try decode(Meta.self, $0) }
            #expect(!before.units.contains { $0.code == "080099" })
            // What `budget import` does with a new unit in the 单位 sheet, from another connection.
            let other = try Workspace.open(f.ws.path)
            var l = line.item
            l.unit = "080099"
            l.memo = "新单位的明细"
            try other.addItems([l], replace: false, author: "导入", newUnits: [BudgetUnit(code: "080099", name: "新建测试中心", type: .institution)])
            let after = try await client.execute(uri: "/api/meta", method: .get) { try decode(Meta.self, $0) }
            #expect(after.units.contains { $0.code == "080099" && $0.name == "新建测试中心" })
            let tree = try await client.execute(uri: "/api/tree?view=unit", method: .get) { try decode(TreeJSON.self, $0) }
            #expect(tree.row("u:080099")?.values[0] == l.amount.fen)
            // And the server accepts a line for it (its validator knows the unit now).
            _ = try await outcome(client, ["op": "add", "session": "s", "fields": ["unit": "新建测试中心", "function": l.function,
                                                                                   "economic": l.economic, "amount": "5"]])
        }
    }

    @Test func wanTreeCellsAndChangesComeFromPrintedFigures() async throws {
        let f = try fixture(prior: true)
        defer { try? FileManager.default.removeItem(at: f.dir) }
        try await f.app.test(.router) { client in
            struct Tree: Decodable {
                struct Col: Decodable { var key: String; var title: String }
                struct Row: Decodable { var key: String; var values: [Int64]; var prior: Int64?; var cells: [String] }
                var columns: [Col]; var total: Row; var rows: [Row]
            }
            let t = try await client.execute(uri: "/api/tree?view=function&money=wan", method: .get) { try decode(Tree.self, $0) }
            #expect(t.columns.map(\.key).prefix(4) == ["total", "prior", "change", "rate"])
            for r in t.rows + [t.total] {
                let cur = Money(fen: r.values[0]).wanHundredths, pri = Money(fen: r.prior ?? 0).wanHundredths
                #expect(r.cells[0] == (cur == 0 ? "" : Money.hundredthsText(cur, grouped: true)), "\(r.key)")
                // 增减额 = printed 本年 − printed 上年, whatever the exact difference rounds to.
                #expect(r.cells[2] == (cur - pri == 0 ? "" : Money.hundredthsText(cur - pri, grouped: true)), "\(r.key)")
            }
            // Row 208 prints 667.92 against 657.03: 增减额 10.89 (the exact difference rounds to 10.90).
            let r208 = try #require(t.rows.first { $0.key == "f:208" })
            #expect(r208.cells[0] == "667.92" && r208.cells[1] == "657.03")
            #expect(r208.cells[2] == "10.89")
        }
    }

    @Test func theCodePickerNamesTheLeiAndKuanOfEachXiang() async throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        try await f.app.test(.router) { client in
            struct Hit: Decodable { var code: String; var name: String; var path: String }
            let q = "行政运行".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let hits = try await client.execute(uri: "/api/codes?set=function&q=\(q)", method: .get) { try decode([Hit].self, $0) }
            let a = try #require(hits.first { $0.code == "2010101" })
            let b = try #require(hits.first { $0.code == "2010201" })
            #expect(a.path == "201 一般公共服务支出 › 20101 人大事务")
            #expect(b.path.hasPrefix("201 一般公共服务支出 › 20102 "))
            #expect(a.path != b.path)
        }
    }

    @Test func theSumOfASelectedRangeAndOfTheFilteredLines() async throws {
        let f = try fixture()
        defer { try? FileManager.default.removeItem(at: f.dir) }
        let all = try f.ws.items()
        try await f.app.test(.router) { client in
            struct Sum: Decodable { var count: Int; var sum: Int64; var text: String }
            let s = try await client.execute(uri: "/api/sum?offset=1&limit=3", method: .get) { try decode(Sum.self, $0) }
            #expect(s.count == 3)
            #expect(s.sum == all[1...3].reduce(0) { $0 + $1.item.amount.fen })
            #expect(s.text == Money.hundredthsText(s.sum, grouped: true))
            struct Page: Decodable { var total: Int; var sumText: String }
            let p = try await client.execute(uri: "/api/items?function=220&limit=1&money=wan", method: .get) { try decode(Page.self, $0) }
            let sum220 = all.filter { $0.item.function.hasPrefix("220") }.reduce(Int64(0)) { $0 + $1.item.amount.fen }
            #expect(p.sumText == Money.hundredthsText(Money(fen: sum220).wanHundredths, grouped: true))
            // The search box: every word in a code, a name or the memo.
            let q = "自然资源 行政运行".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let found = try await client.execute(uri: "/api/items?q=\(q)&limit=100", method: .get) { try decode(PageJSON.self, $0) }
            let b = try f.ws.budget()
            let expected = b.items.filter { b.codes.name(.function, $0.function) == "行政运行" }.count
            #expect(expected > 0)
            #expect(found.total == expected)
        }
    }
}

extension API {
    struct UnitJSON: Decodable { var code: String; var name: String }
}
