import Foundation
import HTTPTypes
import Hummingbird

/// How the server is exposed, and what it demands of a request.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Required (header `X-Budget-Token`, or `?token=`) on every request but the page's own files when set;
    /// mandatory off loopback.
    public var token: String?
    /// Request bodies larger than this are refused with 413.
    public var maxBodyBytes: Int
    /// A connection that sends nothing for this long, between requests or in the middle of one, is closed
    /// (so idle or stalled clients cannot hold connections open for ever).
    public var idleTimeout: Duration
    /// The folder of the disclosure table set the checks and the export use (`--tables`); nil: the default set.
    public var tableSet: URL?

    public init(host: String = "127.0.0.1", port: Int = 8080, token: String? = nil, maxBodyBytes: Int = 2 << 20,
                idleTimeout: Duration = .seconds(60), tableSet: URL? = nil) {
        self.host = host; self.port = port; self.token = token; self.maxBodyBytes = maxBodyBytes
        self.idleTimeout = idleTimeout; self.tableSet = tableSet
    }

    /// 127.0.0.1, ::1 or localhost: only this computer can connect.
    public var isLoopback: Bool { Self.isLoopback(host) }

    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        if h == "localhost" || h == "::1" || h == "[::1]" { return true }
        // 127.0.0.0/8 written as four numbers; `127.0.0.1.evil.example` is a name, not this computer.
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { p in UInt8(p) != nil }
    }

    /// A random token for sharing on a network (128 bits, hex).
    public static func generateToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max, using: &g)) }.joined()
    }
}

/// Refuses what a browser page from another site, or a stranger on the network, could send. The rules, in
/// the order they are applied (each refusal is JSON with a message saying why):
/// 1. No `Host`, or an empty or malformed one: 400. HTTP/1.1 requires it (RFC 9112 §3.2), and rule 3 needs it.
/// 2. A request path the router could read as another path: 400. The router skips empty segments, so
///    `//api/meta`, `/api//meta` and `/api/meta/` all reach `/api/meta`; `.`/`..` segments, percent escapes
///    (`%2f`), a backslash or anything outside `A–Z a–z 0–9 - . _ ~` are refused too, and a path over
///    ``maxPathBytes`` is 414. A path that passes is read the same way by the router, the guard and the logs.
/// 3. On loopback, a `Host` that is not this computer: 421 (DNS rebinding).
/// 4. A mutating request whose `Origin` is not this server, compared exactly — scheme `http` (the server
///    speaks plain http, so `https://127.0.0.1:PORT` is another origin), host and port — or, without
///    `Origin`, one that the browser marks as not same-origin (`Sec-Fetch-Site`): 403.
/// 5. With a token configured, every request needs it except GET/HEAD of the page's own files
///    (``publicPaths``, compared byte for byte): 401.
///
/// Rule 5 is an allowlist on purpose: the guard never has to predict how the router reads a path. Every API
/// route, every route added later, a 404 and any spelling a later router might accept need the token; only the
/// page's own files, by fixed name and holding no budget data, do not. Rule 2 adds that no handler ever runs for a spelling of a path
/// that the guard did not see as such. The request line itself (absolute-form targets, duplicate `Host`) is
/// judged earlier, off the wire, by ``RequestLineGuard``.
/// No CORS headers are ever sent, so other sites cannot read responses either.
struct GuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let configuration: ServerConfiguration
    /// Served without the token: `/` and the embedded page files.
    let publicPaths: Set<String>

    init(configuration: ServerConfiguration) {
        self.configuration = configuration
        self.publicPaths = Set(["/"] + Assets.names.map { "/" + $0 })
    }

    /// Longest request path accepted (bytes); the workbench's own paths are under 40.
    static var maxPathBytes: Int { 2048 }
    static var tokenHeader: HTTPField.Name? { HTTPField.Name("X-Budget-Token") }
    static var fetchSiteHeader: HTTPField.Name? { HTTPField.Name("Sec-Fetch-Site") }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = request.head.authority ?? ""
        guard Self.isValidAuthority(host) else {
            throw APIError(.badRequest, host.isEmpty ? "请求缺少 Host 头（HTTP/1.1 必须有）" : "请求的 Host 头 `\(quoted(host))` 不对")
        }
        let path = request.uri.path
        if path.utf8.count > Self.maxPathBytes {
            throw APIError(.uriTooLong, "请求地址太长（\(path.utf8.count) 字节，上限 \(Self.maxPathBytes) 字节）")
        }
        guard request.head.path?.hasPrefix("/") == true, Self.isCanonicalPath(path) else {
            throw APIError(.badRequest, "请求路径 `\(quoted(path))` 不规范（含空段、`.`、`..`、百分号编码或其他字符）：请用工作台给出的地址")
        }
        if configuration.isLoopback, !Self.isLocalAuthority(host) {
            throw APIError(.misdirectedRequest, "拒绝访问：请求的主机名 `\(quoted(host))` 不是本机（本服务只在本机使用）")
        }
        let mutating = request.method != .get && request.method != .head && request.method != .options
        if mutating {
            if let origin = request.headers[.origin] {
                if !Self.sameOrigin(origin, host: host) {
                    throw APIError(.forbidden, "拒绝跨站请求：来源 `\(quoted(origin))` 不是本工作台（http://\(quoted(host))）")
                }
            } else if let name = Self.fetchSiteHeader, let site = request.headers[name], site != "same-origin", site != "none" {
                throw APIError(.forbidden, "拒绝跨站请求")
            }
        }
        if let token = configuration.token, !isPublic(request) {
            let sent = Self.tokenHeader.flatMap { request.headers[$0] } ?? request.uri.queryParameters.get("token") ?? ""
            if !Self.constantTimeEqual(sent, token) {
                throw APIError(.unauthorized, sent.isEmpty ? "需要访问口令：请用启动时打印的完整地址（含 token）打开" : "访问口令不对")
            }
        }
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    /// GET or HEAD of one of the page's own files, by exact path.
    func isPublic(_ request: Request) -> Bool {
        (request.method == .get || request.method == .head) && publicPaths.contains(request.uri.path)
    }

    /// `/`, or `/`-separated segments that are not empty, not `.` or `..`, and hold only unreserved ASCII
    /// (RFC 3986 §2.3), so no escape, separator or dot segment can make the router read another path.
    static func isCanonicalPath(_ path: String) -> Bool {
        if path == "/" { return true }
        let bytes = Array(path.utf8)
        guard bytes.first == UInt8(ascii: "/") else { return false }
        for segment in bytes.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            if segment.isEmpty || segment.elementsEqual(".".utf8) || segment.elementsEqual("..".utf8) { return false }
            if !segment.allSatisfy(isUnreserved) { return false }
        }
        return true
    }

    static func isUnreserved(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): return true
        default: return false
        }
    }

    /// `host[:port]` or `[v6]:port`: a name or address of unreserved characters and at most a five-digit port.
    static func isValidAuthority(_ authority: String) -> Bool {
        guard let (host, port) = split(authority) else { return false }
        if let port, port.isEmpty || port.count > 5 || !port.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return false }
        if authority.hasPrefix("[") {
            return !host.isEmpty && host.utf8.allSatisfy { isHexDigit($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }
        }
        return !host.isEmpty && host.utf8.allSatisfy(isUnreserved)
    }

    private static func isHexDigit(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 70) || (b >= 97 && b <= 102)
    }

    /// The host and the port text (nil when there is no `:port`) of an authority; nil when it is not of that form.
    static func split(_ authority: String) -> (host: String, port: String?)? {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            let host = String(authority[authority.index(after: authority.startIndex)..<close])
            let rest = authority[authority.index(after: close)...]
            if rest.isEmpty { return (host, nil) }
            guard rest.first == ":" else { return nil }
            return (host, String(rest.dropFirst()))
        }
        let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : nil)
    }

    static func isLocalAuthority(_ authority: String) -> Bool {
        guard isValidAuthority(authority), let (host, _) = split(authority) else { return false }
        return ServerConfiguration.isLoopback(host)
    }

    /// `http://127.0.0.1:8080` against the Host header `127.0.0.1:8080`: scheme, host and port exactly
    /// (the host without regard to case, as DNS reads it).
    static func sameOrigin(_ origin: String, host: String) -> Bool {
        guard !host.isEmpty else { return false }
        return origin.lowercased() == "http://" + host.lowercased()
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return diff == 0
    }
}

/// A text the client sent, as a message quotes it: at most 80 characters.
func quoted(_ text: String) -> String {
    text.count > 80 ? String(text.prefix(80)) + "…" : text
}

extension Request {
    /// Reads and decodes a JSON body: 413 above the limit, 400 with a message for anything malformed.
    func decodeJSON<T: Decodable>(_ type: T.Type, limit: Int) async throws -> T {
        if let length = headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "请求内容太大（\(length) 字节，上限 \(limit) 字节）")
        }
        let buffer: ByteBuffer
        do { buffer = try await body.collect(upTo: limit) } catch {
            throw APIError(.contentTooLarge, "请求内容太大（上限 \(limit) 字节）")
        }
        if buffer.readableBytes == 0 { throw APIError(.badRequest, "请求内容为空（应为 JSON）") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError(.badRequest, "请求内容缺少字段 `\(key.stringValue)`")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw APIError(.badRequest, "请求内容字段 `\(ctx.codingPath.map(\.stringValue).joined(separator: "."))` 类型不对")
        } catch let DecodingError.valueNotFound(_, ctx) {
            throw APIError(.badRequest, "请求内容字段 `\(ctx.codingPath.map(\.stringValue).joined(separator: "."))` 为空")
        } catch {
            throw APIError(.badRequest, "请求内容不是有效的 JSON")
        }
    }
}
