import BudgetCore
import BudgetStore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// Builds the workbench's router: tests call it without a network (`app.test(.router)`).
public func buildRouter(workbench: Workbench, configuration: ServerConfiguration) -> Router<BasicRequestContext> {
    // HEAD is answered like GET, without the body.
    let router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: GuardMiddleware(configuration: configuration))
    let api = WorkbenchController(workbench: workbench, limit: configuration.maxBodyBytes, tableSet: configuration.tableSet)
    api.addRoutes(to: router.group("api"))
    for name in Assets.names {
        router.get(RouterPath("/" + name)) { _, _ in try Assets.response(name) }
    }
    router.get("/") { _, _ in try Assets.response("index.html") }
    return router
}

/// The whole application, bound to the configured address; `onRunning` gets the bound port.
public func buildApplication(workbench: Workbench, configuration: ServerConfiguration,
                             onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    var logger = Logger(label: "budget-serve")
    logger.logLevel = .warning
    return Application(
        router: buildRouter(workbench: workbench, configuration: configuration),
        server: .guardedHTTP1(idleTimeout: configuration.idleTimeout),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

/// Runs the server until the process is told to stop (Ctrl+C).
public func runServer(workbench: Workbench, configuration: ServerConfiguration,
                      onRunning: @escaping @Sendable (Int) async -> Void) async throws {
    try await buildApplication(workbench: workbench, configuration: configuration, onRunning: onRunning).runService()
}

/// The JSON API over one workbench.
struct WorkbenchController: Sendable {
    let workbench: Workbench
    let limit: Int
    /// The table set's folder (nil: the default set).
    let tableSet: URL?

    func addRoutes(to g: RouterGroup<BasicRequestContext>) {
        g.get("meta") { _, _ in try await meta() }
        g.get("tree") { req, _ in try await tree(req) }
        g.get("items") { req, _ in try await items(req) }
        g.post("items") { req, _ in try await add(req) }
        g.post("items/batch") { req, _ in try await addBatch(req) }
        g.get("items/:id") { _, ctx in try await item(ctx) }
        g.put("items/:id") { req, ctx in try await set(req, ctx) }
        g.delete("items/:id") { req, ctx in try await remove(req, ctx) }
        g.get("items/:id/history") { req, ctx in try await history(req, ctx) }
        g.post("edit") { req, _ in try await edit(req) }
        g.get("sum") { req, _ in try await sum(req) }
        g.get("changes") { req, _ in try await changes(req) }
        g.get("codes") { req, _ in try await codes(req) }
        g.get("checks") { _, _ in try await checks() }
        g.get("tables") { _, _ in try json(try await Integrations.tables(workbench, tableSet: tableSet)) }
        g.get("export") { _, _ in try await export() }
        g.get("narrative") { _, _ in try await narrative() }
        g.get("parameters") { _, _ in try json(try await workbench.parameterRows()) }
        g.get("standards") { _, _ in try json(try await workbench.standardRows()) }
        g.get("staff") { _, _ in try json(try await workbench.staffSheet()) }
        g.post("basis") { req, _ in try await basisEdit(req) }
    }

    /// One edit of the 参数, 标准 or 人员 sheet, through the store in one transaction.
    func basisEdit(_ req: Request) async throws -> Response {
        let intent = try await req.decodeJSON(API.BasisIntent.self, limit: limit)
        let b = try await workbench.currentContext()
        do {
            return try json(try await workbench.performBasis(intent))
        } catch { throw APIError.from(error, context: b) }
    }

    // MARK: - Reads

    func meta() async throws -> Response {
        let b = try await workbench.currentContext()
        let prior = workbench.prior
        let m = API.Meta(
            department: b.department, year: b.year, priorYear: prior?.year, last: await workbench.lastChange,
            itemCount: await workbench.itemCount,
            units: b.units.map { API.Unit(code: $0.code, name: $0.name, type: $0.type.name) },
            sources: Source.allCases.map(\.name),
            gridColumns: GridColumns.all,
            exportAvailable: Integrations.exportAvailable, narrativeAvailable: Integrations.narrativeAvailable,
            checksModule: Integrations.checksAvailable, pasteLimit: UserModel.pasteLimit, undoLimit: UserModel.stepLimit,
            tableSet: (try? Integrations.templates(tableSet)).map { API.TableSetInfo(id: $0.id, title: $0.title, count: $0.tables.count) })
        return try json(m)
    }

    func tree(_ req: Request) async throws -> Response {
        let q = req.uri.queryParameters
        let kind = try TreeKind(q.get("view"))
        let money = try MoneyUnit(q.get("money"))
        let last = await workbench.lastChange
        let t = try await workbench.withState { rollup, budget, prior, priorBudget in
            TreeBuilder(rollup: rollup, budget: budget, prior: prior, priorBudget: priorBudget, money: money).build(kind, last: last)
        }
        return try json(t)
    }

    /// The grid's filter from the query: what a tree row stands for, the search box, a list of ids.
    private func query(_ req: Request) async throws -> ItemQuery {
        let q = req.uri.queryParameters
        var f = ItemQuery()
        f.unit = q.get("unit").flatMap(nonEmpty)
        f.functionPrefix = q.get("function").flatMap(nonEmpty)
        f.economicPrefix = q.get("economic").flatMap(nonEmpty)
        f.project = q.get("project").flatMap(nonEmpty)
        f.text = q.get("q").flatMap(nonEmpty).map { String($0.prefix(200)) }
        if let k = q.get("kind").flatMap(nonEmpty) {
            guard let kind = ExpenditureKind(name: k) else { throw APIError(.badRequest, "未知的支出类型 `\(k)`") }
            f.kind = kind
        }
        if let s = q.get("source").flatMap(nonEmpty) {
            guard let source = Source(name: s) else { throw APIError(.badRequest, "未知的资金来源 `\(s)`") }
            f.source = source
        }
        if let c = q.get("carryover").flatMap(nonEmpty) {
            guard let year = Carryover(name: c) else { throw APIError(.badRequest, "未知的年度 `\(c)`") }
            f.carryover = year
        }
        if let ids = q.get("ids").flatMap(nonEmpty) {
            f.ids = Set(ids.split(separator: ",").prefix(10_000).compactMap { Int64($0) })
        }
        if let cell = q.get("cell").flatMap(nonEmpty) {
            f.cell = cell
            f.cellMatch = try Integrations.cellLines(cell, context: try await workbench.currentContext(), tableSet: tableSet)
        }
        return f
    }

    func items(_ req: Request) async throws -> Response {
        let q = req.uri.queryParameters
        let f = try await query(req)
        let money = try MoneyUnit(q.get("money"))
        let offset = q.get("offset").flatMap { Int($0) } ?? 0
        let limit = min(max(q.get("limit").flatMap { Int($0) } ?? 200, 0), 2000)
        let page = try await workbench.items(f, offset: offset, limit: limit)
        let b = try await workbench.currentContext()
        return try json(API.ItemPage(total: page.total, offset: offset, items: page.page.map { API.Item($0, context: b, money: money) },
                                     sumText: money.text(page.sum), money: money.rawValue))
    }

    /// The count and sum of a range of the grid's rows (the status bar).
    func sum(_ req: Request) async throws -> Response {
        let q = req.uri.queryParameters
        let f = try await query(req)
        let money = try MoneyUnit(q.get("money"))
        let offset = q.get("offset").flatMap { Int($0) } ?? 0
        let limit = max(q.get("limit").flatMap { Int($0) } ?? Int.max, 0)
        let s = try await workbench.sum(f, offset: offset, limit: limit)
        return try json(API.Sum(count: s.count, sum: s.sum, text: money.text(s.sum), moneyTitle: money.title))
    }

    /// One intention of the page (set, add, paste, remove, undo, redo), applied as one step.
    func edit(_ req: Request) async throws -> Response {
        let intent = try await req.decodeJSON(API.Intent.self, limit: limit)
        let b = try await workbench.currentContext()
        do {
            return try json(try await workbench.perform(intent))
        } catch { throw APIError.from(error, context: b) }
    }

    func item(_ ctx: BasicRequestContext) async throws -> Response {
        let id = try itemID(ctx)
        guard let s = try await workbench.item(id) else { throw APIError(.notFound, "明细 #\(id) 不存在") }
        return try json(API.Item(s, context: try await workbench.currentContext()))
    }

    func history(_ req: Request, _ ctx: BasicRequestContext) async throws -> Response {
        let id = try itemID(ctx)
        let money = try MoneyUnit(req.uri.queryParameters.get("money"))
        let b = try await workbench.currentContext()
        let log = try await workbench.history(id)
        func item(_ i: LineItem?) -> API.Item? { i.map { API.Item(StoredItem(id: id, version: 0, item: $0), context: b, money: money) } }
        return try json(log.map { API.Change(at: $0.at, author: $0.author, action: $0.action, before: item($0.before), after: item($0.after)) })
    }

    func changes(_ req: Request) async throws -> Response {
        guard let since = req.uri.queryParameters.get("since").flatMap({ Int64($0) }) else {
            throw APIError(.badRequest, "缺少参数 since（上次看到的修改编号）")
        }
        let money = try MoneyUnit(req.uri.queryParameters.get("money"))
        let ch = try await workbench.changes(since: since)
        let b = try await workbench.currentContext()
        return try json(API.Changes(last: ch.last, reload: ch.items == nil, items: (ch.items ?? []).map { API.Item($0, context: b, money: money) },
                                    removed: ch.removed))
    }

    /// Code pickers: by number (prefix) or by name (substring); leaves first within the same code order.
    func codes(_ req: Request) async throws -> Response {
        let q = req.uri.queryParameters
        let text = (q.get("q") ?? "").trimmingSpaces
        let setName = q.get("set") ?? "function"
        let b = try await workbench.currentContext()
        var hits: [API.CodeHit] = []
        func matches(_ code: String, _ name: String) -> Bool {
            text.isEmpty || code.hasPrefix(text) || name.contains(text)
        }
        switch setName {
        case "unit":
            hits = b.units.filter { matches($0.code, $0.name) }.map { API.CodeHit(code: $0.code, name: $0.name, leaf: true, path: $0.type.name) }
        case "project":
            let unit = q.get("unit").flatMap(nonEmpty)
            hits = b.projects.filter { (unit == nil || $0.unit == unit) && matches($0.code, $0.name) }
                .map { API.CodeHit(code: $0.code, name: $0.name, leaf: true, path: $0.category == .none ? "" : $0.category.name) }
        default:
            guard let set = CodeSet(rawValue: setName) else { throw APIError(.badRequest, "未知的科目类别 `\(setName)`") }
            for (code, entry) in b.codes.codes(set) where matches(code, entry.name) {
                // The 类 and 款 above a code tell apart the many 项 called 行政运行.
                let path = set.path(of: code).dropLast().map { "\($0) \(b.codes.name(set, $0) ?? "")" }.joined(separator: " › ")
                hits.append(API.CodeHit(code: code, name: entry.name, leaf: code.utf8.count == set.lineLevel && b.codes.isLeaf(set, code),
                                        path: path))
                if hits.count >= 400 { break }
            }
            if !text.isEmpty { hits.sort { ($0.leaf ? 0 : 1, $0.code) < ($1.leaf ? 0 : 1, $1.code) } }
        }
        return try json(Array(hits.prefix(60)))
    }

    func checks() async throws -> Response {
        try json(try await Integrations.checks(workbench, tableSet: tableSet))
    }

    func export() async throws -> Response {
        let (data, filename) = try await Integrations.export(workbench, tableSet: tableSet)
        var headers = HTTPFields()
        headers[.contentType] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        let ascii = filename.unicodeScalars.allSatisfy { $0.isASCII && $0 != "\"" } ? filename : "budget.xlsx"
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "budget.xlsx"
        headers[.contentDisposition] = "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func narrative() async throws -> Response {
        let text = try await Integrations.narrative(workbench)
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    // MARK: - Edits

    func add(_ req: Request) async throws -> Response {
        let input = try await req.decodeJSON(API.ItemInput.self, limit: limit)
        let b = try await workbench.currentContext()
        do {
            let s = try await workbench.add(try input.lineItem(), author: author(input.author))
            return try json(API.Saved(item: API.Item(s, context: b), last: await workbench.lastChange), status: .created)
        } catch { throw APIError.from(error, context: b) }
    }

    func addBatch(_ req: Request) async throws -> Response {
        let input = try await req.decodeJSON(API.BatchInput.self, limit: limit)
        let b = try await workbench.currentContext()
        guard !input.items.isEmpty else { throw APIError(.badRequest, "没有要增加的明细") }
        guard input.items.count <= UserModel.pasteLimit else {
            throw APIError(.contentTooLarge, "一次最多粘贴 \(UserModel.pasteLimit) 行（这次 \(input.items.count) 行）")
        }
        do {
            var lines: [LineItem] = []
            var problems: [Problem] = []
            for (i, row) in input.items.enumerated() {
                do { lines.append(try row.lineItem(row: i + 1)) } catch { problems += error.problems }
            }
            if !problems.isEmpty { throw ProblemsError(problems) }
            let saved = try await workbench.addAll(lines, author: author(input.author))
            return try json(API.SavedBatch(items: saved.map { API.Item($0, context: b) }, last: await workbench.lastChange), status: .created)
        } catch { throw APIError.from(error, context: b) }
    }

    func set(_ req: Request, _ ctx: BasicRequestContext) async throws -> Response {
        let id = try itemID(ctx)
        let input = try await req.decodeJSON(API.ItemInput.self, limit: limit)
        guard let version = input.version else { throw APIError(.badRequest, "缺少字段 version（你看到的版本号），无法防止覆盖他人的修改") }
        let b = try await workbench.currentContext()
        do {
            var line = try input.lineItem()
            // The grid does not show the 政府经济分类 override; keep the stored one.
            if let current = try await workbench.item(id) { line.governmentEconomic = current.item.governmentEconomic }
            let s = try await workbench.set(id, to: line, expectedVersion: version, author: author(input.author))
            return try json(API.Saved(item: API.Item(s, context: b), last: await workbench.lastChange))
        } catch { throw APIError.from(error, context: b) }
    }

    func remove(_ req: Request, _ ctx: BasicRequestContext) async throws -> Response {
        let id = try itemID(ctx)
        let q = req.uri.queryParameters
        guard let version = q.get("version").flatMap({ Int64($0) }) else {
            throw APIError(.badRequest, "缺少参数 version（你看到的版本号），无法防止删除他人刚改过的明细")
        }
        let b = try await workbench.currentContext()
        do {
            let s = try await workbench.remove(id, expectedVersion: version, author: author(q.get("author")))
            return try json(API.Saved(item: API.Item(s, context: b), last: await workbench.lastChange))
        } catch { throw APIError.from(error, context: b) }
    }

    // MARK: - Helpers

    private func itemID(_ ctx: BasicRequestContext) throws -> Int64 {
        let raw = ctx.parameters.get("id") ?? ""
        guard let id = Int64(raw), id > 0 else { throw APIError(.badRequest, "明细编号 `\(raw)` 不对") }
        return id
    }

    private func author(_ name: String?) -> String { API.authorName(name) }

    private func nonEmpty(_ s: String) -> String? { s.isEmpty ? nil : s }
}

/// Encodes a response as JSON.
func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
    let data: Data
    do { data = try JSONEncoder().encode(value) } catch { throw APIError(.internalServerError, "无法生成 JSON：\(error)") }
    var headers = HTTPFields()
    headers[.contentType] = "application/json; charset=utf-8"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
}
