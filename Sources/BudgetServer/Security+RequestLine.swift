import Foundation
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Judges the request line and the `Host` headers as they came off the wire. Hummingbird turns the request
/// line into a path and takes the first `Host` as the authority, and that loses what must be refused:
/// - a request target that is not a path (`GET http://evil.example/api/meta`, `CONNECT host:443`, `OPTIONS *`):
///   RFC 9112 §3.2.2 makes the target's host override `Host`, so answering it would serve a request meant for
///   another host. Only proxies receive such targets, and this server is not one;
/// - no `Host` (HTTP/1.0 and careless clients), an empty one, or more than one (RFC 9112 §3.2: 400).
/// A refused request gets a 400 with a JSON message and the connection is closed, so nothing after it on the
/// connection is read with a framing we did not check. ``GuardMiddleware`` applies the other rules.
final class RequestLineGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Once a request is refused, the rest of the connection is dropped.
    private var refused = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if refused { return }
        if case .head(let head) = unwrapInboundIn(data), let message = Self.problem(head) {
            refused = true
            refuse(context: context, message: message)
            return
        }
        context.fireChannelRead(data)
    }

    /// Why this request line or its `Host` headers must be refused, or nil.
    static func problem(_ head: HTTPRequestHead) -> String? {
        if !head.uri.hasPrefix("/") {
            return "请求目标 `\(quoted(head.uri))` 不是以 / 开头的路径（本服务不是代理，不接受完整地址）"
        }
        let hosts = head.headers["Host"]
        if hosts.isEmpty { return "请求缺少 Host 头（HTTP/1.1 必须有）" }
        if hosts.count > 1 { return "请求有 \(hosts.count) 个 Host 头（只能有一个）" }
        if hosts[0].isEmpty { return "请求的 Host 头为空" }
        return nil
    }

    private func refuse(context: ChannelHandlerContext, message: String) {
        let json = (try? JSONEncoder().encode(["error": message])) ?? Data(#"{"error":"请求被拒绝"}"#.utf8)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        headers.add(name: "Content-Length", value: String(json.count))
        headers.add(name: "Cache-Control", value: "no-store")
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: json)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}

/// Hummingbird's HTTP/1.1 channel with ``RequestLineGuard`` right after the HTTP decoder, so it sees the raw
/// request head before the conversion to `HTTPRequest`.
struct GuardedHTTP1Channel: ServerChildChannel {
    let base: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let ops = channel.pipeline.syncOperations
            let decoder = try ops.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try ops.addHandler(RequestLineGuard(), position: .after(decoder))
            return value
        }
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with the request line checked before Hummingbird reads it (``RequestLineGuard``), and idle
    /// connections closed after `idleTimeout`.
    static func guardedHTTP1(idleTimeout: Duration) -> HTTPServerBuilder {
        let configuration = HTTP1Channel.Configuration(idleTimeout: TimeAmount(idleTimeout))
        return .init { responder in GuardedHTTP1Channel(base: HTTP1Channel(responder: responder, configuration: configuration)) }
    }
}
