import BudgetCore
import BudgetStore
import BudgetWorkbook
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BudgetServer

/// A fresh copy of the demo workspace (泽州县自然资源局 2025) in a temporary folder.
func demoWorkspace() throws -> (Workspace, URL) {
    let root = try ResourceRoot.locate()
    let codes = try CodeLists.loadDefaults(codesFolder: root.codes)
    let budget = try WorkbookFolder.read(root.workbooks.appendingPathComponent("zezhou-natural-resources-2025"), defaults: codes)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("budget-server-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let ws = try Workspace.create(at: dir.appendingPathComponent("demo.budget").path, budget: budget)
    return (ws, dir)
}

struct TreeJSON: Decodable {
    struct Row: Decodable { var key: String; var code: String; var name: String; var level: Int; var values: [Int64]; var prior: Int64? }
    var total: Row
    var rows: [Row]
    func row(_ key: String) -> Row? { rows.first { $0.key == key } }
}
struct ItemJSON: Decodable { var id: Int64; var version: Int64; var unit: String; var function: String; var economic: String
    var source: String; var carryover: String; var kind: String; var project: String; var amount: Int64; var memo: String }
struct PageJSON: Decodable { var total: Int; var items: [ItemJSON] }
struct SavedJSON: Decodable { var item: ItemJSON; var last: Int64 }
struct ErrorJSON: Decodable { var error: String; var problems: [String]; var current: ItemJSON?; var deleted: Bool }
struct ChangeJSON: Decodable { var author: String; var action: String; var before: ItemJSON?; var after: ItemJSON? }

func decode<T: Decodable>(_ t: T.Type, _ r: TestResponse) throws -> T { try JSONDecoder().decode(T.self, from: Data(r.body.readableBytesView)) }

func body(_ json: String) -> ByteBuffer { ByteBuffer(string: json) }

let sameOrigin: HTTPFields = [.origin: "http://localhost", .contentType: "application/json"]

func input(_ i: ItemJSON, amountYuan: String, version: Int64? = nil, author: String = "测试员") -> String {
    let project = i.project.isEmpty ? "null" : "\"\(i.project)\""
    return """
    {"unit":"\(i.unit)","function":"\(i.function)","economic":"\(i.economic)","source":"\(i.source)","carryover":"\(i.carryover)",\
    "kind":"\(i.kind)","project":\(project),"amount":"\(amountYuan)","memo":"\(i.memo)",\
    \(version.map { "\"version\":\($0)," } ?? "")"author":"\(author)"}
    """
}

@Suite("Workbench routes (no network)")
struct WorkbenchRouteTests {
    func app(_ ws: Workspace, _ config: ServerConfiguration = ServerConfiguration()) throws -> some ApplicationProtocol {
        let wb = try Workbench(workspace: ws)
        return Application(router: buildRouter(workbench: wb, configuration: config))
    }

    @Test func functionTreeAddsUpFromLineItems() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let budget = try ws.budget()
        try await app(ws).test(.router) { client in
            try await client.execute(uri: "/api/tree?view=function", method: .get) { r in
                #expect(r.status == .ok)
                let t = try decode(TreeJSON.self, r)
                let sum = budget.items.reduce(Int64(0)) { $0 + $1.amount.fen }
                #expect(t.total.values[0] == sum)
                // 合计 = sum of the 类 rows; every 款 = sum of its 项 rows.
                #expect(t.rows.filter { $0.level == 0 }.map { $0.values[0] }.reduce(0, +) == sum)
                for kuan in t.rows where kuan.level == 1 {
                    let items = t.rows.filter { $0.level == 2 && $0.code.hasPrefix(kuan.code) }.map { $0.values[0] }.reduce(0, +)
                    #expect(items == kuan.values[0], "款 \(kuan.code)")
                }
                // A row's 合计 equals its sources, its years and its kinds.
                for row in t.rows {
                    #expect(row.values[1...5].reduce(0, +) == row.values[0])
                    #expect(row.values[6] + row.values[7] == row.values[0])
                    #expect(row.values[8] + row.values[9] == row.values[0])
                }
                let name = t.rows.first { $0.code == "220" }?.name
                #expect(name == "自然资源海洋气象等支出")
            }
            for view in ["economic", "unit", "project"] {
                try await client.execute(uri: "/api/tree?view=\(view)", method: .get) { r in
                    #expect(r.status == .ok)
                    let decoded85 = try decode(TreeJSON.self, r)
                    #expect(decoded85.rows.isEmpty == false)
                }
            }
            try await client.execute(uri: "/api/tree?view=../../etc", method: .get) { r in #expect(r.status == .badRequest) }
        }
    }

    @Test func editChangesItsXiangKuanLeiAndTotal() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await app(ws).test(.router) { client in
            let page = try await client.execute(uri: "/api/items?function=2200101&limit=5", method: .get) { try decode(PageJSON.self, $0) }
            let item = try #require(page.items.first)
            let before = try await client.execute(uri: "/api/tree", method: .get) { try decode(TreeJSON.self, $0) }
            let newFen = item.amount + 12_345
            let saved = try await client.execute(uri: "/api/items/\(item.id)", method: .put, headers: sameOrigin,
                                                 body: body(input(item, amountYuan: Money(fen: newFen).yuanText, version: item.version))) { r in
                #expect(r.status == .ok)
                return try decode(SavedJSON.self, r)
            }
            #expect(saved.item.version == item.version + 1)
            #expect(saved.item.amount == newFen)
            let after = try await client.execute(uri: "/api/tree", method: .get) { try decode(TreeJSON.self, $0) }
            for key in ["f:220", "f:22001", "f:2200101"] {
                #expect(try #require(after.row(key)).values[0] - #require(before.row(key)).values[0] == 12_345, "\(key)")
            }
            #expect(after.total.values[0] - before.total.values[0] == 12_345)
            // Durable: a fresh reader of the file sees it, with the author in the change log.
            #expect(try Workspace.open(ws.path).item(item.id)?.item.amount.fen == newFen)
            let log = try await client.execute(uri: "/api/items/\(item.id)/history", method: .get) { try decode([ChangeJSON].self, $0) }
            #expect(log.last?.author == "测试员")
            #expect(log.last?.before?.amount == item.amount && log.last?.after?.amount == newFen)
        }
    }

    @Test func staleEditIsRefusedWithTheCurrentValue() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await app(ws).test(.router) { client in
            let item = try #require(try await client.execute(uri: "/api/items?limit=1", method: .get) { try decode(PageJSON.self, $0) }.items.first)
            _ = try await client.execute(uri: "/api/items/\(item.id)", method: .put, headers: sameOrigin,
                                         body: body(input(item, amountYuan: "100.00", version: item.version, author: "甲")))
            try await client.execute(uri: "/api/items/\(item.id)", method: .put, headers: sameOrigin,
                                     body: body(input(item, amountYuan: "200.00", version: item.version, author: "乙"))) { r in
                #expect(r.status == .conflict)
                let e = try decode(ErrorJSON.self, r)
                #expect(e.error.contains("已被他人修改"))
                #expect(e.current?.amount == 10_000)
                #expect(e.current?.version == item.version + 1)
            }
            #expect(try ws.item(item.id)?.item.amount.fen == 10_000)
        }
    }

    @Test func addPasteAndDeleteLines() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await app(ws).test(.router) { client in
            let template = try #require(try await client.execute(uri: "/api/items?kind=基本支出&limit=1".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "", method: .get) {
                try decode(PageJSON.self, $0) }.items.first)
            let count = try await client.execute(uri: "/api/items?limit=0", method: .get) { try decode(PageJSON.self, $0) }.total
            let added = try await client.execute(uri: "/api/items", method: .post, headers: sameOrigin,
                                                 body: body(input(template, amountYuan: "1000.50"))) { r in
                #expect(r.status == .created)
                return try decode(SavedJSON.self, r).item
            }
            #expect(added.amount == 100_050)
            let batch = "{\"items\":[\(input(template, amountYuan: "1")),\(input(template, amountYuan: "2.5"))],\"author\":\"粘贴员\"}"
            try await client.execute(uri: "/api/items/batch", method: .post, headers: sameOrigin, body: body(batch)) { r in
                #expect(r.status == .created)
                struct B: Decodable { var items: [ItemJSON] }
                let decoded156 = try decode(B.self, r)
                #expect(decoded156.items.map(\.amount) == [100, 250])
            }
            #expect(try await client.execute(uri: "/api/items?limit=0", method: .get) { try decode(PageJSON.self, $0) }.total == count + 3)
            try await client.execute(uri: "/api/items/\(added.id)?version=\(added.version)&author=%E4%B8%99", method: .delete,
                                     headers: sameOrigin) { r in #expect(r.status == .ok) }
            #expect(try ws.item(added.id) == nil)
            let log = try ws.history(of: added.id)
            #expect(log.map(\.action) == ["add", "rm"])
            #expect(log.last?.author == "丙")
            // Deleting again with the old version: the line is gone, said plainly.
            try await client.execute(uri: "/api/items/\(added.id)?version=\(added.version)", method: .delete, headers: sameOrigin) { r in
                #expect(r.status == .conflict)
                let decoded168 = try decode(ErrorJSON.self, r)
                #expect(decoded168.deleted)
            }
        }
    }

    @Test func brokenDataRulesAreRefusedWithEveryProblem() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await app(ws).test(.router) { client in
            let bad = #"{"unit":"nope","function":"9999999","economic":"30101","source":"一般公共预算","carryover":"当年","kind":"基本支出","amount":"1.234"}"#
            try await client.execute(uri: "/api/items", method: .post, headers: sameOrigin, body: body(bad)) { r in
                #expect(r.status == .unprocessableContent)
                let e = try decode(ErrorJSON.self, r)
                #expect(e.problems.contains { $0.contains("超过两位小数") })
            }
            let bad2 = #"{"unit":"nope","function":"9999999","economic":"30101","source":"一般公共预算","carryover":"当年","kind":"基本支出","amount":"1"}"#
            try await client.execute(uri: "/api/items", method: .post, headers: sameOrigin, body: body(bad2)) { r in
                #expect(r.status == .unprocessableContent)
                let e = try decode(ErrorJSON.self, r)
                #expect(e.problems.contains { $0.contains("9999999") })
                #expect(e.problems.contains { $0.contains("nope") })
            }
            // A pasted block with one bad row adds nothing.
            let count = try ws.items().count
            let batch = #"{"items":[{"unit":"x","function":"2200101","economic":"30101","source":"一般公共预算","carryover":"当年","kind":"基本支出","amount":"1"},{"unit":"x","function":"2200101","economic":"30101","source":"火星","carryover":"当年","kind":"基本支出","amount":"1"}]}"#
            try await client.execute(uri: "/api/items/batch", method: .post, headers: sameOrigin, body: body(batch)) { r in
                #expect(r.status == .unprocessableContent)
                let decoded195 = try decode(ErrorJSON.self, r)
                #expect(decoded195.problems.contains { $0.contains("第 2 行") && $0.contains("火星") })
            }
            #expect(try ws.items().count == count)
        }
    }

    @Test func malformedJSONIsA400WithAMessage() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await app(ws).test(.router) { client in
            for text in ["{not json", "", "[1,2]", #"{"unit": 5}"#] {
                try await client.execute(uri: "/api/items", method: .post, headers: sameOrigin, body: body(text)) { r in
                    #expect(r.status == .badRequest, "\(text)")
                    let message = try decode(ErrorJSON.self, r).error
                    #expect(message.isEmpty == false)
                }
            }
            try await client.execute(uri: "/api/items/abc", method: .put, headers: sameOrigin, body: body("{}")) { r in
                #expect(r.status == .badRequest)
            }
            // The server is still there.
            try await client.execute(uri: "/api/meta", method: .get) { r in #expect(r.status == .ok) }
        }
    }

    @Test func oversizeBodyIsA413() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await app(ws, ServerConfiguration(maxBodyBytes: 1000)).test(.router) { client in
            let huge = "{\"memo\":\"" + String(repeating: "x", count: 5000) + "\"}"
            try await client.execute(uri: "/api/items", method: .post, headers: sameOrigin, body: body(huge)) { r in
                #expect(r.status == .contentTooLarge)
                let message = try decode(ErrorJSON.self, r).error
                #expect(message.contains("太大"))
            }
        }
    }

    @Test func tokenIsRequiredWhenConfigured() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let token = "s3cret-token-42"
        try await app(ws, ServerConfiguration(host: "0.0.0.0", token: token)).test(.router) { client in
            try await client.execute(uri: "/api/meta", method: .get) { r in #expect(r.status == .unauthorized) }
            let item = try #require(try ws.items(ItemFilter(limit: 1)).first)
            let json = #"{"unit":"\#(item.item.unit)","function":"\#(item.item.function)","economic":"\#(item.item.economic)","source":"\#(item.item.source.name)","carryover":"当年","kind":"\#(item.item.kind.name)","project":\#(item.item.project.map { "\"\($0)\"" } ?? "null"),"amount":"5","version":\#(item.version)}"#
            try await client.execute(uri: "/api/items/\(item.id)", method: .put, headers: sameOrigin, body: body(json)) { r in
                #expect(r.status == .unauthorized)
            }
            var wrong = sameOrigin
            wrong[try #require(HTTPField.Name("X-Budget-Token"))] = "guess"
            try await client.execute(uri: "/api/items/\(item.id)", method: .put, headers: wrong, body: body(json)) { r in
                #expect(r.status == .unauthorized)
            }
            #expect(try ws.item(item.id)?.version == item.version)
            var right = sameOrigin
            right[try #require(HTTPField.Name("X-Budget-Token"))] = token
            try await client.execute(uri: "/api/items/\(item.id)", method: .put, headers: right, body: body(json)) { r in
                #expect(r.status == .ok)
            }
            // The page itself loads without the token (it reads it from the address and sends it).
            try await client.execute(uri: "/", method: .get) { r in #expect(r.status == .ok) }
        }
    }

    @Test func crossSiteRequestsAreRefused() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await app(ws).test(.router) { client in
            let item = try #require(try ws.items(ItemFilter(limit: 1)).first)
            for origin in ["http://evil.example", "http://localhost.evil.example", "null"] {
                let h: HTTPFields = [.origin: origin, .contentType: "application/json"]
                try await client.execute(uri: "/api/items/\(item.id)?version=\(item.version)", method: .delete, headers: h) { r in
                    #expect(r.status == .forbidden, "\(origin)")
                    #expect(r.headers[.accessControlAllowOrigin] == nil)
                }
            }
            var fetchSite = HTTPFields()
            fetchSite[try #require(HTTPField.Name("Sec-Fetch-Site"))] = "cross-site"
            try await client.execute(uri: "/api/items/\(item.id)?version=\(item.version)", method: .delete, headers: fetchSite) { r in
                #expect(r.status == .forbidden)
            }
            #expect(try ws.item(item.id) != nil)
        }
        // DNS rebinding: on loopback only this computer's names are accepted as Host.
        #expect(GuardMiddleware<BasicRequestContext>.isLocalAuthority("127.0.0.1:8080"))
        #expect(GuardMiddleware<BasicRequestContext>.isLocalAuthority("localhost:8080"))
        #expect(GuardMiddleware<BasicRequestContext>.isLocalAuthority("[::1]:8080"))
        #expect(!GuardMiddleware<BasicRequestContext>.isLocalAuthority("evil.example:8080"))
        #expect(!GuardMiddleware<BasicRequestContext>.isLocalAuthority("127.0.0.1.evil.example"))
    }

    @Test func anotherProcessesEditArrivesThroughChanges() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await app(ws).test(.router) { client in
            struct Meta: Decodable { var last: Int64 }
            struct Changes: Decodable { var last: Int64; var reload: Bool; var items: [ItemJSON]; var removed: [Int64] }
            let last = try await client.execute(uri: "/api/meta", method: .get) { try decode(Meta.self, $0) }.last
            // Another process (a second connection to the file) changes a line.
            let other = try Workspace.open(ws.path)
            let s = try #require(try other.items(ItemFilter(functionPrefix: "2200101", limit: 1)).first)
            var changed = s.item
            changed.amount = changed.amount + Money(fen: 700)
            try other.set(s.id, to: changed, expectedVersion: s.version, author: "隔壁")
            let ch = try await client.execute(uri: "/api/changes?since=\(last)", method: .get) { try decode(Changes.self, $0) }
            #expect(ch.last > last)
            #expect(ch.items.map(\.id) == [s.id])
            #expect(ch.items.first?.amount == changed.amount.fen)
            let tree = try await client.execute(uri: "/api/tree", method: .get) { try decode(TreeJSON.self, $0) }
            let fresh = Rollup(budget: try other.budget())
            #expect(tree.row("f:2200101")?.values[0] == fresh.total(.function("2200101")).fen)
            #expect(tree.total.values[0] == fresh.total(.department).fen)
        }
    }

    @Test func codePickerFindsByNumberAndByName() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await app(ws).test(.router) { client in
            struct Hit: Decodable { var code: String; var name: String; var leaf: Bool }
            let byNumber = try await client.execute(uri: "/api/codes?set=function&q=2200101", method: .get) { try decode([Hit].self, $0) }
            #expect(byNumber.first?.code == "2200101")
            #expect(byNumber.first?.leaf == true)
            let q = "行政运行".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let byName = try await client.execute(uri: "/api/codes?set=function&q=\(q)", method: .get) { try decode([Hit].self, $0) }
            #expect(byName.count > 3)
            #expect(byName.allSatisfy { $0.name.contains("行政运行") })
            let econ = try await client.execute(uri: "/api/codes?set=economic&q=301", method: .get) { try decode([Hit].self, $0) }
            #expect(econ.contains { $0.code == "30101" })
            try await client.execute(uri: "/api/codes?set=/etc/passwd", method: .get) { r in #expect(r.status == .badRequest) }
        }
    }

    @Test func priorYearColumnsComeFromThePriorWorkspace() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = try ResourceRoot.locate()
        let codes = try CodeLists.loadDefaults(codesFolder: root.codes)
        let priorBudget = try WorkbookFolder.read(root.workbooks.appendingPathComponent("zezhou-natural-resources-2024"), defaults: codes)
        let prior = try Workspace.create(at: dir.appendingPathComponent("prior.budget").path, budget: priorBudget)
        let wb = try Workbench(workspace: ws, prior: prior)
        try await Application(router: buildRouter(workbench: wb, configuration: ServerConfiguration())).test(.router) { client in
            let t = try await client.execute(uri: "/api/tree", method: .get) { try decode(TreeJSON.self, $0) }
            let expected = Rollup(budget: priorBudget).total(.department).fen
            #expect(t.total.prior == expected)
            #expect(expected > 0)
        }
    }

    @Test func embeddedAssetsMatchPublicFolder() throws {
        let publicDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/BudgetServer/Public")
        let files = try FileManager.default.contentsOfDirectory(atPath: publicDir.path).filter { !$0.hasPrefix(".") }.sorted()
        #expect(files == Assets.names, "Public/ and the embedded copy list different files: run python3 Sources/BudgetServer/embed-assets.py")
        for f in files {
            let disk = try String(contentsOf: publicDir.appendingPathComponent(f), encoding: .utf8)
            #expect(Assets.text(f) == disk, "\(f) is stale in Assets+Embedded.swift: run python3 Sources/BudgetServer/embed-assets.py")
        }
    }
}

@Suite("Workbench over a real socket")
struct WorkbenchLiveTests {
    @Test func servesThePageAndTheAPI() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let wb = try Workbench(workspace: ws)
        let app = buildApplication(workbench: wb, configuration: ServerConfiguration(port: 0))
        try await app.test(.live) { client in
            try await client.execute(uri: "/", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(String(buffer: r.body).contains("部门预算编制工作台"))
                #expect(r.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            }
            try await client.execute(uri: "/main.js", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("text/javascript") == true)
            }
            try await client.execute(uri: "/../../etc/passwd", method: .get) { r in #expect(r.status == .badRequest) }  // a dot segment
            try await client.execute(uri: "/api/tree?view=unit", method: .get) { r in
                #expect(r.status == .ok)
                let decoded375 = try decode(TreeJSON.self, r)
                #expect(decoded375.rows.contains { $0.key.hasPrefix("u:") })
            }
        }
    }
}

/// The workbench's roll-up starts from the workspace's kept subtotals and moves by line deltas:
/// after edits from another process (many at once, a reload, removals, lines of 0) every node
/// must equal a roll-up built from the lines.
@Suite("Workbench roll-up from the kept subtotals")
struct WorkbenchKeptRollupTests {
    @Test func followsEveryEdit() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bench = try Workbench(workspace: ws)
        let other = try Workspace.open(ws.path)
        var rng = SyntheticBudget.RNG(seed: 5)
        let pool = try other.budget().items
        func expectSame(_ what: String) async throws {
            _ = try await bench.refresh()
            let live = await bench.rollup
            let fresh = Rollup(budget: try other.budget())
            for n in Set(fresh.knownNodes).union(live.knownNodes) where live.slotSums(n) != fresh.slotSums(n) {
                Issue.record("\(what): \(n) live \(live.slotSums(n)) fresh \(fresh.slotSums(n))")
                return
            }
        }
        try await expectSame("start")
        for round in 0..<30 {
            let all = try other.items()
            // A replacing import once (every line out, some back in); otherwise add, set or remove.
            switch round == 15 ? 3 : rng.next() % 3 {
            case 0:
                var line = pool[Int(rng.next() % UInt64(pool.count))]
                line.amount = rng.next() % 3 == 0 ? .zero : Money(fen: Int64(rng.next() % 5_000_000))
                try other.add(line, author: "隔壁")
            case 1:
                let s = all[Int(rng.next() % UInt64(all.count))]
                var changed = pool[Int(rng.next() % UInt64(pool.count))]
                changed.amount = Money(fen: Int64(rng.next() % 5_000_000))
                try other.set(s.id, to: changed, expectedVersion: s.version, author: "隔壁")
            case 2:
                try other.remove(all[Int(rng.next() % UInt64(all.count))].id, author: "隔壁")
            default:
                try other.addItems(Array(pool.prefix(Int(rng.next() % 20) + 5)), replace: true, author: "导入")
            }
            if round % 3 == 2 { try await expectSame("round \(round)") }
        }
        try await expectSame("end")
    }
}
