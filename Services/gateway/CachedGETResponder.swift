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
/// The head's fixed part is encoded once per stored entry (``hitHead(status:headers:serverName:)``), and each hit only
/// copies those bytes and adds its request ID, `Age` and `Date`; ``ResponseEncoder`` writes the head as it is and the
/// stored body without a copy.
final class CachedGETResponder: Sendable {
    /// The route the proxy is registered under, as Hummingbird's metrics name it.
    static let route = "/api/**"

    let cache: ResponseCache
    let limiter: ClientRateLimiter?
    let trustForwardedFor: Bool
    let metrics: GatewayMetrics
    let logger: Logger
    private let accessLog: AccessLog
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
        accessLog = AccessLog(logger: logger)
        self.serverName = serverName
        func dimensions(_ status: Int) -> [(String, String)] {
            [("http.route", Self.route), ("http.request.method", "GET"), ("http.response.status_code", String(status))]
        }
        answered = Counter(label: "hb.requests", dimensions: dimensions(200), factory: metricsFactory)
        answerTime = Timer(label: "http.server.request.duration", dimensions: dimensions(200), preferredDisplayUnit: .seconds, factory: metricsFactory)
        limited = Counter(label: "hb.requests", dimensions: dimensions(429), factory: metricsFactory)
        limitedTime = Timer(label: "http.server.request.duration", dimensions: dimensions(429), preferredDisplayUnit: .seconds, factory: metricsFactory)
    }

    /// The whole answer to `request` (its head encoded, then the body), or nil to hand the request on. Only HTTP/1.1
    /// requests that keep the connection alive are answered here: closing a connection, and HTTP/1.0's keep-alive
    /// header, stay with ``HTTPConnectionGuard`` behind the codec.
    func respond(to request: HTTPRequestHead, peer: String?) -> (head: ByteBuffer, status: HTTPResponseStatus, body: ByteBuffer)? {
        let start = ContinuousClock.now
        guard request.method == .GET, request.version == .http1_1, request.isKeepAlive else { return nil }
        let target = request.uri
        let path = target.utf8.firstIndex(of: UInt8(ascii: "?")).map { String(target[..<$0]) } ?? target
        guard let key = cache.key(method: .get, path: path, uri: target), let entry = cache.servable(key, now: start),
              let fixed = entry.hitHead
        else { return nil }

        let requestID = ProxyHeaders.requestID(from: request.headers)
        var head: ByteBuffer
        let body: ByteBuffer
        let status: HTTPResponseStatus
        let counter: Counter
        let timer: Timer
        if let limiter,
           case .limited(let retryAfter) = limiter.admit(
               ProxyHeaders.clientAddress(peer: peer, headers: request.headers, trustForwardedFor: trustForwardedFor) ?? "unknown"
           ) {
            metrics.recordRateLimited()
            let answer = Self.errorAnswer(RateLimitMiddleware.error(retryAfter: retryAfter), requestID: requestID, serverName: serverName, retryAfter: retryAfter)
            head = ByteBufferAllocator().buffer(capacity: 512)
            ResponseEncoder.encode(answer.head, into: &head)
            body = answer.body
            status = .tooManyRequests
            (counter, timer) = (limited, limitedTime)
        } else {
            metrics.recordCache("hit")
            body = entry.body
            head = ByteBufferAllocator().buffer(capacity: fixed.readableBytes + 128)
            head.writeImmutableBuffer(fixed)
            head.writeStaticString("X-Request-ID: ")
            head.writeString(requestID)
            head.writeStaticString("\r\nAge: ")
            head.writeString(String(Int((start - entry.stored) / .seconds(1))))
            head.writeStaticString("\r\nDate: ")
            head.writeString(HTTPDate.now())
            head.writeStaticString("\r\n\r\n")
            status = HTTPResponseStatus(statusCode: entry.status.code)
            (counter, timer) = (answered, answerTime)
        }
        counter.increment()
        timer.record(duration: ContinuousClock.now - start)
        accessLog.write(
            method: .get, path: path, status: Int(status.code), bytes: body.readableBytes, since: start,
            client: peer, upstream: nil, requestID: requestID
        )
        return (head, status, body)
    }

    /// The part of a hit's head that is the same for every hit on one stored answer, encoded: the status line, the
    /// stored headers, `X-Cache: HIT`, `Server` and the security headers, each line ending in CRLF. What changes per
    /// hit (`X-Request-ID`, `Age`, `Date`) is left out, and stored copies of those are dropped.
    static func hitHead(status: HTTPResponse.Status, headers: HTTPFields, serverName: String) -> ByteBuffer {
        var fields = headers
        for name in [ProxyHeaders.requestIDHeader, .age, .date] { fields[name] = nil }
        fields[ResponseCache.statusHeader] = "HIT"
        fields[.server] = serverName
        SecurityHeadersMiddleware<GatewayRequestContext>.harden(&fields)
        var head = head(status: status, fields: fields)
        // Framed as the encoder would (a stored answer always has its Content-Length).
        _ = ResponseEncoder.frame(&head, hasBody: head.status.mayHaveResponseBody)
        var buffer = ByteBufferAllocator().buffer(capacity: 1024)
        ResponseEncoder.encodeStatusLine(status: head.status, into: &buffer)
        ResponseEncoder.encodeLines(head.headers, into: &buffer)
        return buffer
    }

    /// A JSON error answer, as the router's ``APIError`` response with the security headers.
    static func errorAnswer(_ error: APIError, requestID: String, serverName: String, retryAfter: Int? = nil) -> (head: HTTPResponseHead, body: ByteBuffer) {
        let body = error.body
        var fields: HTTPFields = [
            .contentType: APIError.contentType, .contentLength: String(body.readableBytes), .date: HTTPDate.now(), .server: serverName,
        ]
        if let retryAfter { fields[.retryAfter] = String(retryAfter) }
        SecurityHeadersMiddleware<GatewayRequestContext>.harden(&fields)
        fields[ProxyHeaders.requestIDHeader] = requestID
        return (head(status: error.status, fields: fields), body)
    }

    /// An HTTP/1.1 response head in NIO's form.
    static func head(status: HTTPResponse.Status, fields: HTTPFields) -> HTTPResponseHead {
        var headers = HTTPHeaders()
        headers.reserveCapacity(fields.count + 3)
        for field in fields { headers.add(name: field.name.rawName, value: field.value) }
        return HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status.code, reasonPhrase: status.reasonPhrase), headers: headers)
    }
}
