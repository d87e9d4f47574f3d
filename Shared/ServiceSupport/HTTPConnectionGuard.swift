import NIOCore
import NIOHTTP1

/// Sits right behind NIO's HTTP/1 codec, where each request's version and `Connection` header are still known, and
/// enforces two things Hummingbird's pipeline leaves to the client:
///
/// - A request that does not keep the connection alive (`Connection: close`, in any case, or HTTP/1.0 without
///   `keep-alive`) gets `Connection: close` on its response, and the connection is closed once that response is
///   written. Without the header a client that pools sockets (Node's default agent) puts the socket back, and its
///   next request on it fails with "socket hang up" when the server closes it.
/// - A request head larger than the decoder's limit gets `431 Request Header Fields Too Large` as JSON and the
///   connection is closed, instead of a bare 400.
public final class HTTPConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPServerRequestPart
    public typealias InboundOut = HTTPServerRequestPart
    public typealias OutboundIn = HTTPServerResponsePart
    public typealias OutboundOut = HTTPServerResponsePart

    /// Whether each request not yet answered keeps the connection alive, oldest first (pipelined requests queue up).
    private var keepAlive: [Bool] = []
    private var closeAfterResponse = false
    private var answeredOverflow = false

    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            keepAlive.append(head.isKeepAlive && !Self.asksToClose(head.headers))
        }
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            let requestKeepsAlive = keepAlive.first ?? true
            if !requestKeepsAlive || Self.asksToClose(head.headers) {
                closeAfterResponse = true
                head.headers.replaceOrAdd(name: "connection", value: "close")
                context.write(wrapOutboundOut(.head(head)), promise: promise)
            } else {
                context.write(data, promise: promise)
            }
        case .body:
            context.write(data, promise: promise)
        case .end:
            if !keepAlive.isEmpty { keepAlive.removeFirst() }
            guard closeAfterResponse else {
                context.write(data, promise: promise)
                return
            }
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(data, promise: written)
            written.futureResult.whenComplete { _ in context.close(promise: nil) }
            if let promise { written.futureResult.cascade(to: promise) }
        }
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, parserError == .headerOverflow, !answeredOverflow else {
            context.fireErrorCaught(error)
            return
        }
        answeredOverflow = true
        let body = #"{"error":"request_header_fields_too_large","detail":"The request head is larger than the server accepts."}"#
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json; charset=utf-8")
        headers.add(name: "content-length", value: String(body.utf8.count))
        headers.add(name: "connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: .requestHeaderFieldsTooLarge, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.whenComplete { _ in context.close(promise: nil) }
    }

    static func asksToClose(_ headers: HTTPHeaders) -> Bool {
        headers[canonicalForm: "connection"].contains { $0.lowercased() == "close" }
    }
}
