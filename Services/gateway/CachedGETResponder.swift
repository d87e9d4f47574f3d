import Foundation
import HTTPTypes
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import ServiceSupport

/// Answers the GETs the micro-cache can serve (``ResponseCache/servable(_:now:)``) inside the connection's NIO
/// pipeline, before NIO's HTTP/1 head is converted to HTTP types and before Hummingbird turns the request into an
/// async task, a context and a middleware chain; everything else goes on to Hummingbird unchanged.
///
/// What such an answer gets is what the router would have given it: the per-client rate limit (429 with the project's
/// JSON error and `Retry-After`), the stored status, headers and body with `X-Request-ID`, `X-Cache: HIT`, `Age`,
/// `Date`, `Server` and the security headers, an access-log line, the route's request counter and latency histogram
/// (the same series Hummingbird's `MetricsMiddleware` records for `/api/**`), and the cache-hit counter.
///
/// The answer is bytes ready for the socket: the head's fixed part is serialised once per stored entry
/// (``hitHead(status:headers:serverName:)``), and each hit only appends its request ID, `Age` and `Date`.
final class CachedGETResponder: Sendable {
    /// The route the proxy is registered under, as Hummingbird's metrics name it.
    static let route = "/api/**"

    let cache: ResponseCache
    let limiter: ClientRateLimiter?
    let trustForwardedFor: Bool
    let metrics: GatewayMetrics
    let logger: Logger
    let serverName: String
    /// How long a connection may go on getting only hits before one of its requests is handed to Hummingbird
    /// (``CachedGETHandler``): under the server's idle timeout.
    let routedAtLeastEvery: TimeAmount
    private let answered: Counter
    private let answerTime: Timer
    private let limited: Counter
    private let limitedTime: Timer

    init(
        cache: ResponseCache, limiter: ClientRateLimiter?, trustForwardedFor: Bool, metrics: GatewayMetrics, logger: Logger,
        serverName: String, routedAtLeastEvery: TimeAmount = .seconds(20), metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.routedAtLeastEvery = routedAtLeastEvery
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

    /// The whole answer to `request` as bytes for the socket (head, then body), or nil to hand the request to
    /// Hummingbird. Only HTTP/1.1 requests that keep the connection alive are answered here: closing a connection,
    /// and HTTP/1.0's keep-alive header, stay with ``HTTPConnectionGuard`` behind the codec.
    func respond(to request: HTTPRequestHead, peer: String?, allocator: ByteBufferAllocator) -> (head: ByteBuffer, body: ByteBuffer)? {
        let start = ContinuousClock.now
        guard request.method == .GET, request.version == .http1_1, request.isKeepAlive else { return nil }
        let target = request.uri
        let path = target.firstIndex(of: "?").map { String(target[..<$0]) } ?? target
        guard let key = cache.key(method: .get, path: path, uri: target), let entry = cache.servable(key, now: start),
              let hitHead = entry.hitHead
        else { return nil }

        let requestID = ProxyHeaders.requestID(from: request.headers)
        var head: ByteBuffer
        let body: ByteBuffer
        let status: Int
        let counter: Counter
        let timer: Timer
        if let limiter,
           case .limited(let retryAfter) = limiter.admit(
               ProxyHeaders.clientAddress(peer: peer, headers: request.headers, trustForwardedFor: trustForwardedFor) ?? "unknown"
           ) {
            metrics.recordRateLimited()
            let error = RateLimitMiddleware.error(retryAfter: retryAfter)
            body = error.body
            var fields: HTTPFields = [
                .contentType: APIError.contentType, .contentLength: String(body.readableBytes), .retryAfter: String(retryAfter),
                .date: HTTPDate.now(), .server: serverName,
            ]
            SecurityHeadersMiddleware<GatewayRequestContext>.harden(&fields)
            fields[ProxyHeaders.requestIDHeader] = requestID
            head = Self.head(status: error.status, fields: fields, allocator: allocator)
            head.writeStaticString("\r\n")
            status = 429
            (counter, timer) = (limited, limitedTime)
        } else {
            metrics.recordCache("hit")
            body = entry.body
            let age = Int((start - entry.stored) / .seconds(1))
            head = allocator.buffer(capacity: hitHead.readableBytes + 128)
            head.writeImmutableBuffer(hitHead)
            head.writeStaticString("X-Request-ID: ")
            head.writeString(requestID)
            head.writeStaticString("\r\nAge: ")
            head.writeString(String(age))
            head.writeStaticString("\r\nDate: ")
            head.writeString(HTTPDate.now())
            head.writeStaticString("\r\n\r\n")
            status = entry.status.code
            (counter, timer) = (answered, answerTime)
        }
        counter.increment()
        timer.recordNanoseconds(Int64((ContinuousClock.now - start) / .nanoseconds(1)))
        AccessLog.write(
            to: logger, method: .get, path: path, status: status, bytes: body.readableBytes, since: start,
            client: peer, upstream: nil, requestID: requestID
        )
        return (head, body)
    }

    /// The part of a hit's head that is the same for every hit on one stored answer: the status line, the stored
    /// headers, `X-Cache: HIT`, `Server` and the security headers, each line ending in CRLF. What changes per hit
    /// (`X-Request-ID`, `Age`, `Date`) is left out, and stored copies of those are dropped.
    static func hitHead(status: HTTPResponse.Status, headers: HTTPFields, serverName: String) -> ByteBuffer {
        var fields = headers
        for name in [ProxyHeaders.requestIDHeader, .age, .date] { fields[name] = nil }
        fields[ResponseCache.statusHeader] = "HIT"
        fields[.server] = serverName
        SecurityHeadersMiddleware<GatewayRequestContext>.harden(&fields)
        return head(status: status, fields: fields, allocator: ByteBufferAllocator())
    }

    /// An HTTP/1.1 status line and header lines, without the blank line that ends the head.
    static func head(status: HTTPResponse.Status, fields: HTTPFields, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 512)
        buffer.writeStaticString("HTTP/1.1 ")
        buffer.writeString(String(status.code))
        buffer.writeStaticString(" ")
        buffer.writeString(status.reasonPhrase)
        buffer.writeStaticString("\r\n")
        for field in fields {
            buffer.writeString(field.name.rawName)
            buffer.writeStaticString(": ")
            buffer.writeString(field.value)
            buffer.writeStaticString("\r\n")
        }
        return buffer
    }
}
