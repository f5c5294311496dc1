import Foundation
import HTTPTypes
import Hummingbird

/// How the server is exposed, and what it demands of a request.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Required (header `X-Budget-Token`) on every API request when set; mandatory off loopback.
    public var token: String?
    /// Request bodies larger than this are refused with 413.
    public var maxBodyBytes: Int
    /// The folder of the disclosure table set the checks and the export use (`--tables`); nil: the default set.
    public var tableSet: URL?

    public init(host: String = "127.0.0.1", port: Int = 8080, token: String? = nil, maxBodyBytes: Int = 2 << 20,
                tableSet: URL? = nil) {
        self.host = host; self.port = port; self.token = token; self.maxBodyBytes = maxBodyBytes; self.tableSet = tableSet
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

/// Refuses what a browser page from another site, or a stranger on the network, could send:
/// - on loopback, a `Host` header that is not this computer (DNS rebinding);
/// - a mutating request whose `Origin` is not this server, or that the browser marks cross-site;
/// - with a token configured, any API request without it.
/// No CORS headers are ever sent, so other sites cannot read responses either.
struct GuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let configuration: ServerConfiguration

    static var tokenHeader: HTTPField.Name? { HTTPField.Name("X-Budget-Token") }
    static var fetchSiteHeader: HTTPField.Name? { HTTPField.Name("Sec-Fetch-Site") }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = request.head.authority ?? ""
        if configuration.isLoopback, !host.isEmpty, !Self.isLocalAuthority(host) {
            throw APIError(.misdirectedRequest, "拒绝访问：请求的主机名 `\(host)` 不是本机（本服务只在本机使用）")
        }
        let mutating = request.method != .get && request.method != .head && request.method != .options
        if mutating {
            if let origin = request.headers[.origin] {
                if !Self.sameOrigin(origin, host: host) {
                    throw APIError(.forbidden, "拒绝跨站请求：来源 `\(origin)` 不是本工作台")
                }
            } else if let name = Self.fetchSiteHeader, let site = request.headers[name], site == "cross-site" {
                throw APIError(.forbidden, "拒绝跨站请求")
            }
        }
        if let token = configuration.token, request.uri.path.hasPrefix("/api/") {
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

    static func isLocalAuthority(_ authority: String) -> Bool {
        let host: String
        if authority.hasPrefix("[") {
            host = String(authority.prefix { $0 != "]" }.dropFirst())
        } else {
            host = String(authority.split(separator: ":", maxSplits: 1).first ?? "")
        }
        return ServerConfiguration.isLoopback(host)
    }

    /// `http://127.0.0.1:8080` against the Host header `127.0.0.1:8080`.
    static func sameOrigin(_ origin: String, host: String) -> Bool {
        guard !host.isEmpty else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
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
