import BudgetCore
import BudgetStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

@testable import BudgetServer

/// The token used by every test here (`budget serve --token` wants at least 8 characters).
private let testToken = "sec-test-token-7f3a"
private let tokenHeaderName = HTTPField.Name("X-Budget-Token")!

/// One request the guard must not let through without the token: method, canonical target, body.
private struct Probe: Sendable, CustomStringConvertible {
    var method: HTTPRequest.Method
    var target: String
    var body: String?
    var description: String { "\(method) \(target)" }
}

/// Spellings of `target` that the router reads as `target` itself, or that a router reading escapes or dot
/// segments would: every one must be refused as non-canonical (400), with or without the token.
/// (The case found first: `//api/meta`, `//api/export`, `///api/meta`, `//api//meta`, `PUT //api/items/1`.)
private func nonCanonicalSpellings(of target: String) -> [String] {
    let parts = target.split(separator: "?", maxSplits: 1)
    let path = String(parts[0]), query = parts.count > 1 ? "?" + parts[1] : ""
    let bare = String(path.dropFirst())                      // api/items/12
    let first = String(bare.prefix { $0 != "/" })            // api
    let rest = String(bare.dropFirst(first.count + 1))       // items/12
    let spellings = [
        "/" + path,                                          // //api/meta
        "//" + path,                                         // ///api/meta
        path.replacingOccurrences(of: "/", with: "//"),      // //api//meta
        "/\(first)//\(rest)",                                // /api//meta
        "/./\(bare)",                                        // /./api/meta
        "/\(first)/./\(rest)",                               // /api/./meta
        "/\(first)/../\(bare)",                              // /api/../api/meta
        "/elsewhere/../\(bare)",
        "/\(first)/%2e/\(rest)",
        "/\(first)/%2e%2e/\(bare)",
        "/\(first)%2f\(rest)",                               // /api%2fmeta
        "/\(first)%2F\(rest)",                               // /api%2Fmeta
        "/%2f\(bare)",
        "/%61\(bare.dropFirst())",                           // /%61pi/meta
        "/\(first)\\\(rest)",                                // /api\meta
        "/\(first);x/\(rest)",
        path + "/",                                          // trailing slash
        path + "//",
        path + "/.",
        bare,                                                // no leading slash
    ]
    return spellings.map { $0 + query }
}

/// The same target with its first segment in capitals: a canonical path of its own, which this router does not
/// route (404 with the token), and which therefore needs the token like any path that is not the page's.
private func capitalised(_ target: String) -> String {
    "/API" + target.dropFirst(4)
}

/// The requests to try: every read that shows budget data and every edit, against a real line of the demo.
private func probes(_ s: StoredItem) -> [Probe] {
    let line = """
    {"unit":"\(s.item.unit)","function":"\(s.item.function)","economic":"\(s.item.economic)","source":"\(s.item.source.name)",\
    "carryover":"\(s.item.carryover.name)","kind":"\(s.item.kind.name)","project":\(s.item.project.map { "\"\($0)\"" } ?? "null"),\
    "amount":"7.77","memo":"越权","version":\(s.version)}
    """
    return [
        Probe(method: .get, target: "/api/meta"),
        Probe(method: .get, target: "/api/export"),
        Probe(method: .get, target: "/api/tree?view=unit"),
        Probe(method: .get, target: "/api/items/\(s.id)"),
        Probe(method: .get, target: "/api/items/\(s.id)/history"),
        Probe(method: .head, target: "/api/meta"),
        Probe(method: .put, target: "/api/items/\(s.id)", body: line),
        Probe(method: .post, target: "/api/items", body: line),
        Probe(method: .post, target: "/api/items/batch", body: "{\"items\":[\(line)]}"),
        Probe(method: .delete, target: "/api/items/\(s.id)?version=\(s.version)"),
    ]
}

/// Every line's id, version and amount: any add, edit or delete changes it.
private func snapshot(_ ws: Workspace) throws -> [String] {
    try ws.items().map { "\($0.id):\($0.version):\($0.item.amount.fen)" }
}

private let configurations: [ServerConfiguration] = [
    ServerConfiguration(host: "127.0.0.1", port: 0, token: testToken),  // `budget serve WS --token T`
    ServerConfiguration(host: "0.0.0.0", port: 0, token: testToken),    // `budget serve WS --host 0.0.0.0`
]

@Suite("Security: the guard (no network)")
struct SecurityRouterTests {
    func app(_ ws: Workspace, _ config: ServerConfiguration) throws -> some ApplicationProtocol {
        Application(router: buildRouter(workbench: try Workbench(workspace: ws), configuration: config))
    }

    /// The router test client always sends `Host: localhost`, so the origin of a same-site page is `http://localhost`.
    func headers(token: String?, json: Bool) -> HTTPFields {
        var h: HTTPFields = [.origin: "http://localhost"]
        if json { h[.contentType] = "application/json" }
        if let token { h[tokenHeaderName] = token }
        return h
    }

    @Test("No spelling of an API path skips the token", arguments: configurations)
    func noSpellingSkipsTheToken(config: ServerConfiguration) async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let item = try #require(try ws.items(ItemFilter(limit: 1)).first)
        let before = try snapshot(ws)
        let tried = try await app(ws, config).test(.router) { client in
            var tried = 0
            for probe in probes(item) {
                for spelling in nonCanonicalSpellings(of: probe.target) {
                    for token in [nil, "wrong-token", testToken] {
                        try await client.execute(uri: spelling, method: probe.method, headers: headers(token: token, json: probe.body != nil),
                                                 body: probe.body.map { ByteBuffer(string: $0) }) { r in
                            #expect(r.status == .badRequest, "\(probe.method) \(spelling) token=\(token ?? "none") → \(r.status)")
                        }
                        tried += 1
                    }
                }
                // A canonical path this router does not route: the token first, then 404.
                let upper = capitalised(probe.target)
                try await client.execute(uri: upper, method: probe.method, headers: headers(token: nil, json: probe.body != nil),
                                         body: probe.body.map { ByteBuffer(string: $0) }) { r in
                    #expect(r.status == .unauthorized, "\(probe.method) \(upper) → \(r.status)")
                }
                try await client.execute(uri: upper, method: probe.method, headers: headers(token: testToken, json: probe.body != nil),
                                         body: probe.body.map { ByteBuffer(string: $0) }) { r in
                    #expect(r.status == .notFound, "\(probe.method) \(upper) → \(r.status): the router became case-insensitive")
                }
                // The path as the page writes it: refused without the token.
                try await client.execute(uri: probe.target, method: probe.method, headers: headers(token: nil, json: probe.body != nil),
                                         body: probe.body.map { ByteBuffer(string: $0) }) { r in
                    #expect(r.status == .unauthorized, "\(probe) → \(r.status)")
                }
            }
            #expect(try snapshot(ws) == before, "a request without the token changed the workspace")
            // With the token the same requests work, so the refusals above were the guard's.
            for probe in probes(item) where probe.method == .get {
                try await client.execute(uri: probe.target, method: .get, headers: headers(token: testToken, json: false)) { r in
                    #expect(r.status == .ok, "\(probe) with the token → \(r.status)")
                }
            }
            try await client.execute(uri: "/api/items/\(item.id)", method: .put, headers: headers(token: testToken, json: true),
                                     body: probes(item)[6].body.map { ByteBuffer(string: $0) }) { r in #expect(r.status == .ok) }
            #expect(try ws.item(item.id)?.item.amount.fen == 777)
            return tried
        }
        #expect(tried > 500)
    }

    @Test("The page's own files load without the token; nothing else does")
    func onlyThePageIsPublic() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await app(ws, configurations[0]).test(.router) { client in
            for path in ["/", "/index.html", "/main.js", "/grid.js", "/app.css"] {
                try await client.execute(uri: path, method: .get) { r in #expect(r.status == .ok, "\(path)") }
            }
            try await client.execute(uri: "/?token=\(testToken)", method: .get) { r in #expect(r.status == .ok) }
            for path in ["/favicon.ico", "/api", "/api/nothing", "/index.htm", "/APP.JS"] {
                try await client.execute(uri: path, method: .get) { r in #expect(r.status == .unauthorized, "\(path) → \(r.status)") }
            }
            try await client.execute(uri: "/", method: .post, headers: headers(token: nil, json: false)) { r in
                #expect(r.status == .unauthorized)
            }
            // The token in the address works too (the page's first request carries it there).
            try await client.execute(uri: "/api/meta?token=\(testToken)", method: .get) { r in #expect(r.status == .ok) }
        }
    }

    @Test("HEAD is answered like GET, without the body")
    func headIsGetWithoutBody() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await app(ws, ServerConfiguration()).test(.router) { client in
            for path in ["/", "/main.js", "/api/meta", "/api/tree?view=function"] {
                let length = try await client.execute(uri: path, method: .get) { r in
                    #expect(r.status == .ok)
                    return r.body.readableBytes
                }
                try await client.execute(uri: path, method: .head) { r in
                    #expect(r.status == .ok, "HEAD \(path) → \(r.status)")
                    #expect(r.body.readableBytes == 0)
                    #expect(r.headers[.contentLength] == String(length), "HEAD \(path)")
                }
            }
            try await client.execute(uri: "/api/nothing", method: .head) { r in #expect(r.status == .notFound) }
        }
    }

    @Test("An Origin must match in scheme, host and port")
    func originMatchesExactly() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let item = try #require(try ws.items(ItemFilter(limit: 1)).first)
        try await app(ws, ServerConfiguration()).test(.router) { client in
            for origin in ["https://localhost", "http://localhost:8080", "http://localhost.", "ws://localhost", "http://127.0.0.1",
                           "http://localhost/", "http://evil.example", "null", ""] {
                let h: HTTPFields = [.origin: origin]
                try await client.execute(uri: "/api/items/\(item.id)?version=\(item.version)", method: .delete, headers: h) { r in
                    #expect(r.status == .forbidden, "Origin \(origin) → \(r.status)")
                }
            }
            // Without an Origin, a browser's own word that the request is not same-origin.
            for site in ["cross-site", "same-site"] {
                var h = HTTPFields()
                h[HTTPField.Name("Sec-Fetch-Site")!] = site
                try await client.execute(uri: "/api/items/\(item.id)?version=\(item.version)", method: .delete, headers: h) { r in
                    #expect(r.status == .forbidden, "Sec-Fetch-Site \(site)")
                }
            }
            #expect(try ws.item(item.id) != nil)
            try await client.execute(uri: "/api/items/\(item.id)?version=\(item.version)", method: .delete,
                                     headers: [.origin: "HTTP://LOCALHOST"]) { r in #expect(r.status == .ok) }
        }
    }

    @Test("Path, Host and Origin rules", arguments: [
        ("/", true), ("/api/meta", true), ("/api/items/12/history", true), ("/app.js", true), ("/a-b_c~d.e", true),
        ("", false), ("//", false), ("/api//meta", false), ("/api/meta/", false), ("/./api", false), ("/api/..", false),
        ("/api/%6deta", false), ("/api/me ta", false), ("/api/meta#x", false), ("/api/mé", false), ("api/meta", false),
    ])
    func canonicalPaths(path: String, canonical: Bool) {
        #expect(GuardMiddleware<BasicRequestContext>.isCanonicalPath(path) == canonical)
    }

    @Test func authorities() {
        typealias G = GuardMiddleware<BasicRequestContext>
        for good in ["localhost", "127.0.0.1:8080", "[::1]:8080", "[::1]", "budget-pc:80", "192.168.1.5:65535"] {
            #expect(G.isValidAuthority(good), "\(good)")
        }
        for bad in ["", ":8080", "localhost:", "localhost:80a", "localhost:123456", "a b", "127.0.0.1:8080, evil.example", "[::1",
                    "[::1]x", "[evil]:80", "user@localhost", "local\thost"] {
            #expect(!G.isValidAuthority(bad), "\(bad)")
            #expect(!G.isLocalAuthority(bad), "\(bad)")
        }
        #expect(G.isLocalAuthority("LOCALHOST:8080"))
        #expect(!G.isLocalAuthority("127.0.0.1.evil.example:8080"))
        #expect(G.sameOrigin("http://127.0.0.1:8080", host: "127.0.0.1:8080"))
        #expect(!G.sameOrigin("https://127.0.0.1:8080", host: "127.0.0.1:8080"))
        #expect(!G.sameOrigin("http://127.0.0.1:8081", host: "127.0.0.1:8080"))
        #expect(!G.sameOrigin("http://127.0.0.1", host: ""))
    }
}

// MARK: - Over a real socket

/// What came back for one raw request: the status (nil when nothing came back), the head, the body, and how the
/// exchange ended (`closed` or `reset` by the server, `timeout`, or the call that failed).
private struct RawResponse {
    var status: Int?
    var head: String
    var body: [UInt8]
    var ending: String
    var closedByServer: Bool { ending == "closed" || ending == "reset" }
    /// The status, or how the exchange ended without one, for messages.
    var shown: String { status.map(String.init) ?? "no answer (\(ending))" }
    func header(_ name: String) -> String? {
        head.split(separator: "\r\n").dropFirst().first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
            .map { String($0.drop { $0 != ":" }.dropFirst()).trimmingCharacters(in: .whitespaces) }
    }
}

/// Sends `request` byte for byte to 127.0.0.1:`port` (no client library normalises the path) and reads until the
/// server closes the connection, or 60 s pass without data (generous on purpose: while the whole suite runs on two
/// cores, other suites can keep the server's tasks waiting for more than 10 s).
private func raw(_ port: Int, _ request: String) async -> RawResponse {
    let bytes = Array(request.utf8)
    let (received, ending): ([UInt8], String) = await withCheckedContinuation { done in
        DispatchQueue.global().async { done.resume(returning: exchange(port: port, bytes)) }
    }
    guard let end = received.indices.dropLast(3).first(where: { received[$0..<$0 + 4].elementsEqual("\r\n\r\n".utf8) }) else {
        return RawResponse(status: nil, head: String(decoding: received, as: UTF8.self), body: [], ending: ending)
    }
    let head = String(decoding: received[..<end], as: UTF8.self)
    let status = head.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
    return RawResponse(status: status, head: head, body: Array(received[(end + 4)...]), ending: ending)
}

/// The bytes received and how the exchange ended; an interrupted call is retried.
private func exchange(port: Int, _ request: [UInt8]) -> ([UInt8], String) {
    func failed(_ call: String) -> ([UInt8], String) { ([], "\(call) failed: errno \(errno)") }
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return failed("socket") }
    defer { close(fd) }
    var timeout = timeval(tv_sec: 60, tv_usec: 0)
    guard setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size)) == 0 else { return failed("setsockopt") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return failed("connect") }
    var sent = 0
    while sent < request.count {
        let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if n < 0, errno == EINTR { continue }
        if n <= 0 { return failed("send") }
        sent += n
    }
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 { received += chunk[..<n]; continue }
        if n == 0 { return (received, "closed") }
        switch errno {
        case EINTR: continue
        case ECONNRESET: return (received, "reset")
        case EAGAIN, EWOULDBLOCK: return (received, "timeout")
        default: return (received, "recv failed: errno \(errno)")
        }
    }
}

/// A task executor on threads of its own. The live tests run their server on it, so that it keeps answering while
/// other suites hold every thread of the cooperative pool (two on this machine) with long synchronous work: under
/// `swift test` such a stall lasted minutes, and requests sent meanwhile timed out.
private final class OwnThreadsExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = OwnThreadsExecutor(threads: 2)
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    private init(threads: Int) {
        for _ in 0..<threads { Thread { [self] in run() }.start() }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

private func onOwnThreads<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
    try await withTaskExecutorPreference(OwnThreadsExecutor.shared) { try await body() }
}

@Suite("Security: the guard over a real socket")
struct SecurityLiveTests {
    /// A raw request: the target exactly as given, `Connection: close`, the body with its length.
    func request(_ method: HTTPRequest.Method, _ target: String, port: Int, token: String? = nil, origin: Bool = true,
                 body: String? = nil, extra: String = "") -> String {
        var text = "\(method.rawValue) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if origin { text += "Origin: http://127.0.0.1:\(port)\r\n" }
        if let token { text += "X-Budget-Token: \(token)\r\n" }
        if let body { text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        text += extra + "\r\n" + (body ?? "")
        return text
    }

    @Test("Every spelling is refused on the wire too", arguments: configurations)
    func spellingsOverTheWire(config: ServerConfiguration) async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let item = try #require(try ws.items(ItemFilter(limit: 1)).first)
        let before = try snapshot(ws)
        let app = buildApplication(workbench: try Workbench(workspace: ws), configuration: config)
        try await onOwnThreads { try await app.test(.live) { client in
            let port = try #require(client.port)
            for probe in probes(item) {
                for spelling in nonCanonicalSpellings(of: probe.target) {
                    let r = await raw(port, request(probe.method, spelling, port: port, body: probe.body))
                    #expect(r.status == 400, "\(probe.method) \(spelling) → \(r.shown)")
                }
                let r = await raw(port, request(probe.method, probe.target, port: port, body: probe.body))
                #expect(r.status == 401, "\(probe) → \(r.shown)")
            }
            #expect(try snapshot(ws) == before)
            let ok = await raw(port, request(.get, "/api/meta", port: port, token: testToken))
            #expect(ok.status == 200)
        } }
    }

    /// Requests that `scripts/fuzz-http.py --seed 1` got a 2xx for, without the token, before the fix (several
    /// of them changed the workspace), with this demo's line in place of the fuzzer's.
    @Test("The fuzzer's findings stay refused")
    func fuzzerFindings() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let item = try #require(try ws.items(ItemFilter(limit: 1)).first)
        let line = try #require(probes(item).first { $0.method == .put }?.body)
        let before = try snapshot(ws)
        let app = buildApplication(workbench: try Workbench(workspace: ws), configuration: configurations[0])
        try await onOwnThreads { try await app.test(.live) { client in
            let port = try #require(client.port)
            let id = item.id, v = item.version
            let found: [(HTTPRequest.Method, String, String?)] = [
                (.get, "////api/meta", nil), (.get, "////api//export", nil), (.get, "////api/changes?since=0", nil),
                (.get, "//api////changes?since=0", nil), (.get, "//api//checks", nil), (.get, "//api//items//\(id)?", nil),
                (.get, "//api//items//\(id)//history", nil), (.get, "//api//tree?view=unit&token=uzz-4283fefc63f0cd0e873a0000", nil),
                (.get, "//api/items/\(id)?token=\(testToken.uppercased())", nil), (.get, "//api/codes?set=function&q=220", nil),
                (.get, "//api/items?limit=3", nil),
                (.post, "////api////items////batch", "{\"items\":[\(line)]}"), (.post, "///api/items", line), (.post, "//api//items", line),
                (.put, "//api//items//\(id)", line),
                (.delete, "////api/items/\(id)?version=\(v)&author=fuzz-822-0", nil), (.delete, "//api//items//\(id)?version=\(v)", nil),
            ]
            for (method, target, body) in found {
                let r = await raw(port, request(method, target, port: port, body: body))
                #expect(r.status == 400, "\(method) \(target) → \(r.shown)")
            }
            #expect(try snapshot(ws) == before)
        } }
    }

    @Test("Host, request-line, Origin and HEAD rules on the wire")
    func lowItems() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let item = try #require(try ws.items(ItemFilter(limit: 1)).first)
        // `budget serve WS`: loopback, no token — the Host and Origin rules are all that stand.
        let app = buildApplication(workbench: try Workbench(workspace: ws), configuration: ServerConfiguration(port: 0))
        try await onOwnThreads { try await app.test(.live) { client in
            let port = try #require(client.port)
            func status(_ text: String) async -> Int? { await raw(port, text).status }
            // Host: missing (HTTP/1.0 and 1.1), empty, doubled, or another name.
            #expect(await status("GET /api/meta HTTP/1.0\r\n\r\n") == 400)
            #expect(await status("GET /api/meta HTTP/1.1\r\nConnection: close\r\n\r\n") == 400)
            #expect(await status("GET /api/meta HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n") == 400)
            #expect(await status("GET /api/meta HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n") == 400)
            #expect(await status("GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nHost: evil.example\r\nConnection: close\r\n\r\n") == 400)
            #expect(await status("GET /api/meta HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n") == 421)
            // A target that is not a path: absolute-form (its host overrides Host), authority-form, asterisk-form.
            for target in ["http://evil.example/api/meta", "http://127.0.0.1:\(port)/api/meta", "127.0.0.1:\(port)", "*"] {
                for method in ["GET", "CONNECT", "OPTIONS"] {
                    let text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n"
                    let s = await status(text)
                    #expect(s == 400, "\(method) \(target) → \(s.map(String.init) ?? "no answer")")
                }
            }
            // HTTP/1.0 with a Host is served.
            #expect(await status("GET /api/meta HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n") == 200)
            // Origin: https is another origin than this plain-http server; so is another port.
            let target = "/api/items/\(item.id)?version=\(item.version)"
            for origin in ["https://127.0.0.1:\(port)", "http://127.0.0.1:\(port + 1)", "http://127.0.0.1", "http://localhost:\(port)"] {
                let s = await status(request(.delete, target, port: port, origin: false, extra: "Origin: \(origin)\r\n"))
                #expect(s == 403, "Origin \(origin) → \(s.map(String.init) ?? "no answer")")
            }
            #expect(try ws.item(item.id) != nil)
            // HEAD: GET's status and headers, no body.
            for path in ["/", "/api/meta"] {
                let get = await raw(port, request(.get, path, port: port))
                let head = await raw(port, request(.head, path, port: port))
                #expect(head.status == 200, "HEAD \(path)")
                #expect(head.body.isEmpty, "HEAD \(path)")
                #expect(head.header("Content-Length") == String(get.body.count), "HEAD \(path)")
            }
            // After all that the server still answers.
            #expect(await status(request(.delete, target, port: port)) == 200)
        } }
    }

    @Test("An idle or stalled connection is closed by the server")
    func idleConnectionsAreClosed() async throws {
        let (ws, dir) = try demoWorkspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = ServerConfiguration(port: 0, idleTimeout: .seconds(1))
        let app = buildApplication(workbench: try Workbench(workspace: ws), configuration: config)
        try await onOwnThreads { try await app.test(.live) { client in
            let port = try #require(client.port)
            let host = "Host: 127.0.0.1:\(port)\r\n"
            // A head that never ends, a body that stops short, and a kept-alive connection after its answer.
            for (text, answered) in [("GET / HTTP/1.1\r\n\(host)", false),
                                     ("PUT /api/items/1 HTTP/1.1\r\n\(host)Content-Length: 100\r\n\r\n{", false),
                                     ("GET /app.css HTTP/1.1\r\n\(host)\r\n", true)] {
                let r = await raw(port, text)
                #expect(r.closedByServer, "\(text.prefix(20)) was left open")
                #expect((r.status == 200) == answered)
            }
        } }
    }
}
