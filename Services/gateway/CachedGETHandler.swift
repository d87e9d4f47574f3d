import Foundation
import HTTPTypes
import Logging
import Metrics
import NIOCore
import NIOHTTPTypes
import ServiceSupport

/// Answers the GETs the micro-cache can serve (``ResponseCache/servable(_:now:)``) inside the connection's NIO
/// pipeline, before Hummingbird turns the request into an async task, a context and a middleware chain; everything
/// else goes on to Hummingbird unchanged.
///
/// What such an answer gets is what the router would have given it: the per-client rate limit (429 with the project's
/// JSON error and `Retry-After`), the stored status, headers and body with `X-Request-ID`, `X-Cache: HIT`, `Age`,
/// `Date` and `Server`, an access-log line, the route's request counter and latency histogram (the same series
/// Hummingbird's `MetricsMiddleware` records for `/api/**`), and the cache-hit counter.
final class CachedGETResponder: Sendable {
    /// The route the proxy is registered under, as Hummingbird's metrics name it.
    static let route = "/api/**"

    let cache: ResponseCache
    let limiter: ClientRateLimiter?
    let trustForwardedFor: Bool
    let metrics: GatewayMetrics
    let logger: Logger
    let serverName: String
    private let answered: Counter
    private let answerTime: Timer
    private let limited: Counter
    private let limitedTime: Timer

    init(
        cache: ResponseCache, limiter: ClientRateLimiter?, trustForwardedFor: Bool, metrics: GatewayMetrics, logger: Logger,
        serverName: String, metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.cache = cache
        self.limiter = limiter
        self.trustForwardedFor = trustForwardedFor
        self.metrics = metrics
        self.logger = logger
        self.serverName = serverName
        func dimensions(_ status: Int) -> [(String, String)] {
            [("http.route", Self.route), ("http.request.method", "GET"), ("http.response.status_code", String(status))]
        }
        answered = Counter(label: "hb.requests", dimensions: dimensions(200), factory: metricsFactory)
        answerTime = Timer(label: "http.server.request.duration", dimensions: dimensions(200), preferredDisplayUnit: .seconds, factory: metricsFactory)
        limited = Counter(label: "hb.requests", dimensions: dimensions(429), factory: metricsFactory)
        limitedTime = Timer(label: "http.server.request.duration", dimensions: dimensions(429), preferredDisplayUnit: .seconds, factory: metricsFactory)
    }

    /// The whole answer to `request` when the cache can give it, or nil to hand the request to Hummingbird.
    func respond(to request: HTTPRequest, peer: String?) -> (head: HTTPResponse, body: ByteBuffer)? {
        let start = ContinuousClock.now
        guard request.method == .get, let target = request.path,
              request.headerFields[.connection]?.lowercased() != "close"
        else { return nil }
        let path = target.firstIndex(of: "?").map { String(target[..<$0]) } ?? target
        guard let key = cache.key(method: .get, path: path, uri: target), let entry = cache.servable(key, now: start) else { return nil }

        let requestID = ProxyHeaders.requestID(from: request.headerFields)
        var head: HTTPResponse
        let body: ByteBuffer
        let counter: Counter
        let timer: Timer
        if let limiter,
           case .limited(let retryAfter) = limiter.admit(
               ProxyHeaders.clientAddress(peer: peer, fields: request.headerFields, trustForwardedFor: trustForwardedFor) ?? "unknown"
           ) {
            metrics.recordRateLimited()
            let error = RateLimitMiddleware.error(retryAfter: retryAfter)
            body = error.body
            head = HTTPResponse(status: error.status, headerFields: [
                .contentType: APIError.contentType, .contentLength: String(body.readableBytes), .retryAfter: String(retryAfter),
            ])
            (counter, timer) = (limited, limitedTime)
        } else {
            metrics.recordCache("hit")
            body = entry.body
            head = HTTPResponse(status: entry.status, headerFields: entry.headers)
            head.headerFields[ProxyHeaders.requestIDHeader] = requestID
            head.headerFields[ResponseCache.statusHeader] = "HIT"
            head.headerFields[.age] = String(Int((start - entry.stored) / .seconds(1)))
            (counter, timer) = (answered, answerTime)
        }
        head.headerFields[.date] = HTTPDate.now()
        head.headerFields[.server] = serverName
        SecurityHeadersMiddleware<GatewayRequestContext>.harden(&head.headerFields)
        counter.increment()
        timer.recordNanoseconds(Int64((ContinuousClock.now - start) / .nanoseconds(1)))
        AccessLog.write(
            to: logger, method: .get, path: path, status: head.status.code, bytes: body.readableBytes, since: start,
            client: peer, upstream: nil, requestID: requestID
        )
        return (head, body)
    }
}

/// The per-connection half of ``CachedGETResponder``: sits between the HTTP codec and Hummingbird, answers what the
/// responder can and passes the rest on.
///
/// HTTP/1.1 answers must leave in the order their requests came. A request is only answered here while none handed to
/// Hummingbird on this connection is still waiting for the end of its response; a pipelining client's requests behind
/// a slow one go to Hummingbird too, which answers them in order.
final class CachedGETHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let responder: CachedGETResponder
    /// Requests handed to Hummingbird whose response has not ended.
    private var handedOn = 0
    /// The rest of a request answered here (its end, any body) is dropped.
    private var discarding = false
    private var needsFlush = false
    private var peer: String?

    init(responder: CachedGETResponder) {
        self.responder = responder
    }

    func handlerAdded(context: ChannelHandlerContext) {
        peer = context.channel.remoteAddress?.ipAddress
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if handedOn == 0, let answer = responder.respond(to: request, peer: peer) {
                discarding = true
                context.write(wrapOutboundOut(.head(answer.head)), promise: nil)
                context.write(wrapOutboundOut(.body(answer.body)), promise: nil)
                context.write(wrapOutboundOut(.end(nil)), promise: nil)
                needsFlush = true
                return
            }
            discarding = false
            handedOn += 1
            context.fireChannelRead(data)
        case .body:
            if !discarding { context.fireChannelRead(data) }
        case .end:
            if discarding {
                discarding = false
            } else {
                context.fireChannelRead(data)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { handedOn = max(0, handedOn - 1) }
        context.write(data, promise: promise)
    }
}
