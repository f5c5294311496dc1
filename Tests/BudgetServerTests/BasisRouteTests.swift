import BudgetCore
import BudgetStore
import BudgetWorkbook
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BudgetServer

/// What `POST /api/edit` and `POST /api/basis` answer, with the bases and the moved lines.
struct BasisOutcomeJSON: Decodable {
    struct Item: Decodable { var id: Int64; var version: Int64; var function: String; var economic: String; var amount: Int64; var basis: String? }
    struct Row: Decodable { var key: String; var values: [Int64] }
    struct Tree: Decodable { var reload: Bool; var total: Row?; var rows: [Row] }
    var message: String
    var items: [Item]
    var moved: [Int64]
    var tree: Tree
    var last: Int64
}

struct StaffSheetJSON: Decodable {
    struct Line: Decodable { var id: Int64; var unit: String; var name: String; var category: String; var count: Int64; var amounts: [String: String] }
    var fields: [String]
    var rows: [Line]
}
struct StandardJSON: Decodable { var name: String; var value: String; var memo: String }
struct ParameterJSON: Decodable { var unit: String; var unitName: String; var name: String; var value: String }

/// The sample drafted from a roster and standards (示范县农业农村局 2026) in a temporary folder.
func basisWorkspace() throws -> (Workspace, URL) {
    let root = try ResourceRoot.locate()
    let codes = try CodeLists.loadDefaults(codesFolder: root.codes)
    let budget = try WorkbookFolder.read(root.workbooks.appendingPathComponent("shifan-agriculture-2026"), defaults: codes)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("budget-basis-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let ws = try Workspace.create(at: dir.appendingPathComponent("sample.budget").path, budget: budget)
    return (ws, dir)
}

@Suite("Basis in the workbench: `=…` in the amount cell, the 参数, 标准 and 人员 sheets")
struct BasisRouteTests {
    func app(_ ws: Workspace) throws -> Application<RouterResponder<BasicRequestContext>> {
        Application(router: buildRouter(workbench: try Workbench(workspace: ws), configuration: ServerConfiguration()))
    }

    func post(_ client: some TestClientProtocol, _ uri: String, _ body: [String: Any]) async throws -> (HTTPResponse.Status, Data) {
        let data = try JSONSerialization.data(withJSONObject: body)
        return try await client.execute(uri: uri, method: .post, headers: sameOrigin, body: ByteBuffer(bytes: data)) { r in
            (r.status, Data(r.body.readableBytesView))
        }
    }

    func ok(_ client: some TestClientProtocol, _ uri: String, _ body: [String: Any]) async throws -> BasisOutcomeJSON {
        let (status, data) = try await post(client, uri, body)
        #expect(status == .ok, "\(String(decoding: data, as: UTF8.self))")
        return try JSONDecoder().decode(BasisOutcomeJSON.self, from: data)
    }

    func refused(_ client: some TestClientProtocol, _ uri: String, _ body: [String: Any]) async throws -> ErrorJSON {
        let (status, data) = try await post(client, uri, body)
        #expect(status == .unprocessableContent, "\(String(decoding: data, as: UTF8.self))")
        return try JSONDecoder().decode(ErrorJSON.self, from: data)
    }

    func get<T: Decodable>(_ client: some TestClientProtocol, _ uri: String, _ t: T.Type) async throws -> T {
        try await client.execute(uri: uri, method: .get) { r in
            #expect(r.status == .ok)
            return try decode(T.self, r)
        }
    }

    func line(_ ws: Workspace, unit: String, economic: String) throws -> StoredItem {
        try #require(try ws.budgetWithItems().items.first { $0.item.unit == unit && $0.item.economic == economic })
    }

    func total(_ ws: Workspace) throws -> Int64 { try ws.budget().items.reduce(0) { $0 + $1.amount.fen } }

    @Test func typingAnExpressionSetsTheBasisAndMovesItsDependentsOnScreen() async throws {
        let (ws, dir) = try basisWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let wage = try line(ws, unit: "121001", economic: "30101")
        let insurance = try line(ws, unit: "121001", economic: "30108")
        try await app(ws).test(.router) { client in
            let items = try await get(client, "/api/items?limit=100", PageJSONWithBasis.self)
            #expect(items.items.first { $0.id == wage.id }?.basis == wage.item.basis)
            #expect(wage.item.basis != nil)

            // Full-width, as an input method types it; the basis is kept without its `=`.
            let out = try await ok(client, "/api/edit", ["op": "set", "id": wage.id, "version": wage.version, "view": "function",
                                                          "fields": ["amount": "＝（１０００＋500）×12"]])
            #expect(out.items.first?.id == wage.id)
            #expect(out.items.first?.amount == 1_800_000)
            #expect(out.items.first?.basis == "（１０００＋500）×12")
            // 养老保险, 职业年金, 医疗保险, 工会经费 and 住房公积金 of the unit read 经济(30101, …): they moved.
            let stored = try ws.budgetWithItems().items
            let moved = Set(out.moved)
            #expect(moved.count == 5)
            #expect(moved.contains(insurance.id))
            for id in moved {
                let s = try #require(stored.first { $0.id == id })
                #expect(out.items.first { $0.id == id }?.amount == s.item.amount.fen)
                #expect(out.tree.rows.contains { $0.key == "f:" + s.item.function }, "tree row of #\(id)")
            }
            #expect(try #require(stored.first { $0.id == insurance.id }).item.amount != insurance.item.amount)
            #expect(out.tree.total?.values[0] == (try total(ws)))
            #expect(out.message.contains("另有 5 行明细随之重算"))

            // A plain amount clears the basis, even one equal to the computed amount.
            let now = try line(ws, unit: "121001", economic: "30101")
            let plain = try await ok(client, "/api/edit", ["op": "set", "id": now.id, "version": now.version, "fields": ["amount": "18000"]])
            #expect(plain.items.first?.basis == nil)
            #expect(try line(ws, unit: "121001", economic: "30101").item.basis == nil)
            #expect(try line(ws, unit: "121001", economic: "30101").item.amount.fen == 1_800_000)
        }
    }

    @Test func aRefusedExpressionNamesThePlaceAndChangesNothing() async throws {
        let (ws, dir) = try basisWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let wage = try line(ws, unit: "121001", economic: "30101")
        let insurance = try line(ws, unit: "121001", economic: "30108")
        let revision = try ws.revision()
        try await app(ws).test(.router) { client in
            let e = try await refused(client, "/api/edit", ["op": "set", "id": wage.id, "version": wage.version,
                                                            "fields": ["amount": "=在职人数 × 月工资"]])
            let text = e.problems.joined(separator: "\n")
            #expect(text.contains("明细 #\(wage.id)"), "\(text)")
            #expect(text.contains("测算依据"), "\(text)")
            #expect(text.contains("在职人数"), "\(text)")
            // 30108 inside 301 reading 经济(301): a cycle, refused.
            let cycle = try await refused(client, "/api/edit", ["op": "set", "id": insurance.id, "version": insurance.version,
                                                                "fields": ["amount": "=经济(301) × 16%"]])
            #expect(!cycle.problems.isEmpty)
        }
        #expect(try ws.revision() == revision)
        #expect(try line(ws, unit: "121001", economic: "30101") == wage)
        #expect(try line(ws, unit: "121001", economic: "30108") == insurance)
    }

    @Test func aStandardChangeMovesItsDependentLinesAndARemovalInUseIsRefused() async throws {
        let (ws, dir) = try basisWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = try line(ws, unit: "121001", economic: "30108"), b = try line(ws, unit: "121002", economic: "30108")
        let before = try total(ws)
        try await app(ws).test(.router) { client in
            let standards = try await get(client, "/api/standards", [StandardJSON].self)
            #expect(standards.first { $0.name == "养老保险单位缴费比例" }?.value == "16%")
            let out = try await ok(client, "/api/basis", ["op": "setStandard", "name": "养老保险单位缴费比例", "value": "２０％", "view": "function"])
            // 16% → 20%: each pension line × 1.25, exactly; nothing else moved.
            #expect(Set(out.moved) == [a.id, b.id])
            #expect(out.items.first { $0.id == a.id }?.amount == a.item.amount.fen / 4 * 5)
            #expect(out.items.first { $0.id == b.id }?.amount == b.item.amount.fen / 4 * 5)
            #expect(try line(ws, unit: "121001", economic: "30108").item.amount.fen == a.item.amount.fen / 4 * 5)
            let after = before + a.item.amount.fen / 4 + b.item.amount.fen / 4
            #expect(out.tree.total?.values[0] == after)
            #expect(out.tree.rows.contains { $0.key == "f:2080505" })
            #expect(try await get(client, "/api/standards", [StandardJSON].self).first { $0.name == "养老保险单位缴费比例" }?.value == "20%")
            // The memo is kept when the page sends none.
            #expect(try ws.standards().first { $0.name == "养老保险单位缴费比例" }?.memo == "机关事业单位基本养老保险，单位缴费")

            let refusal = try await refused(client, "/api/basis", ["op": "removeStandard", "name": "养老保险单位缴费比例"])
            #expect(!refusal.problems.isEmpty)
            let bad = try await refused(client, "/api/basis", ["op": "setStandard", "name": "养老保险单位缴费比例", "value": "二十"])
            #expect(bad.problems.first?.contains("二十") == true)
            #expect(try ws.standards().first { $0.name == "养老保险单位缴费比例" }?.value.text == "20%")
            #expect(try total(ws) == after)
        }
    }

    @Test func parametersAndTheRosterAreListedAndEdited() async throws {
        let (ws, dir) = try basisWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let project = try line(ws, unit: "121001", economic: "30227")
        let wage = try line(ws, unit: "121001", economic: "30101")
        try await app(ws).test(.router) { client in
            let params = try await get(client, "/api/parameters", [ParameterJSON].self)
            #expect(params.contains { $0.unit == "121001" && $0.name == "项目区面积" && $0.value == "12000" && $0.unitName == "示范县农业农村局" })
            // 项目区面积 × 监管单价: 15000 × 8.5.
            let p = try await ok(client, "/api/basis", ["op": "setParameter", "unit": "121001 示范县农业农村局", "name": "项目区面积", "value": "15000"])
            #expect(p.moved == [project.id])
            #expect(p.items.first?.amount == 12_750_000)

            let sheet = try await get(client, "/api/staff", StaffSheetJSON.self)
            #expect(sheet.rows.count == 40)
            #expect(sheet.fields.contains("岗位工资"))
            let row = try #require(sheet.rows.first { $0.unit == "121001" && $0.category == "在职" })
            let s = try await ok(client, "/api/basis", ["op": "setStaff", "id": row.id, "count": String(row.count + 1)])
            #expect(s.moved.contains(wage.id))
            #expect(try ws.staff().first { $0.id == row.id }?.row.count == row.count + 1)
            let bad = try await refused(client, "/api/basis", ["op": "setStaff", "id": row.id, "count": "两个"])
            #expect(bad.problems.first?.contains("两个") == true)
            #expect(try ws.staff().first { $0.id == row.id }?.row.count == row.count + 1)
        }
    }
}

@Suite("The status bar's sum")
struct SumRouteTests {
    /// `offset` without `limit` (the page asks for the sum of all lines from a row on): the end of the
    /// range was `offset + Int.max`, which trapped the server.
    @Test func anOffsetWithoutALimitSumsToTheEnd() async throws {
        let (ws, dir) = try basisWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let items = try ws.budgetWithItems().items.sorted { $0.id < $1.id }
        let app = Application(router: buildRouter(workbench: try Workbench(workspace: ws), configuration: ServerConfiguration()))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/sum?offset=1", method: .get) { r in
                #expect(r.status == .ok)
                struct Sum: Decodable { var count: Int; var sum: Int64 }
                let s = try decode(Sum.self, r)
                #expect(s.count == items.count - 1)
                #expect(s.sum == items.dropFirst().reduce(0) { $0 + $1.item.amount.fen })
            }
        }
    }
}

struct PageJSONWithBasis: Decodable {
    struct Item: Decodable { var id: Int64; var basis: String? }
    var items: [Item]
}
