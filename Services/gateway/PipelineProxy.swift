import Foundation
import HTTPTypes
import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import ServiceSupport

/// Proxies ordinary `/api/` requests inside the client connection's NIO pipeline (``FastPathHandler``), over the
/// pooled upstream connections on the same event loop (``UpstreamConnectionPool``): no task, no HTTP-types
/// conversion and no Hummingbird middleware chain per request, which made a proxied request cost the gateway several
/// times nginx's CPU (BENCHMARKS.md).
///
/// What such a request gets is what the router's proxy route gives it: the per-client rate limit, the upstream pool's
/// choice (least connections or round robin, unhealthy upstreams skipped, a failed upstream taken out at once), a
/// second attempt on another upstream only when the method is safe to repeat or nothing was sent
/// (``UpstreamFailure``), the forwarding headers (``ProxyHeaders``), the upstream timeout, the answer streamed back
/// with the upstream's reads held while the client is not taking it, the security headers, `X-Request-ID`, the
/// access-log line, the route's request counter and latency histogram and the upstream counter.
///
/// Left to the router, unchanged: anything not plainly forwardable (a request that closes its connection or is not
/// HTTP/1.1, a chunked or oversized body, `Expect`, `Upgrade`, `HEAD`, a NUL in the path), the event stream
/// (AsyncHTTPClient, capped per client, ended on shutdown), GETs on cached paths the cache cannot answer now (the
/// refresh that stores the answer), `https` upstreams, and every path outside `/api/`.
final class PipelineProxy: Sendable {
    let pool: UpstreamPool
    let connections: UpstreamConnectionPool
    let cache: ResponseCache?
    let limiter: ClientRateLimiter?
    let metrics: GatewayMetrics
    let logger: Logger
    let accessLog: AccessLog
    let serverName: String
    let upstreamTimeout: TimeAmount
    let maxBodyBytes: Int
    let trustForwardedFor: Bool
    private let metricsFactory: any MetricsFactory
    private let routeMetrics = NIOLockedValueBox<[RouteMetricsKey: RouteMetrics]>([:])

    init(
        pool: UpstreamPool, connections: UpstreamConnectionPool, cache: ResponseCache?, limiter: ClientRateLimiter?,
        metrics: GatewayMetrics, logger: Logger, serverName: String, upstreamTimeout: Duration, maxBodyBytes: Int,
        trustForwardedFor: Bool, metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.pool = pool
        self.connections = connections
        self.cache = cache
        self.limiter = limiter
        self.metrics = metrics
        self.logger = logger
        accessLog = AccessLog(logger: logger)
        self.serverName = serverName
        self.upstreamTimeout = TimeAmount(upstreamTimeout)
        self.maxBodyBytes = maxBodyBytes
        self.trustForwardedFor = trustForwardedFor
        self.metricsFactory = metricsFactory
    }

    static func isForwarded(_ method: HTTPMethod) -> Bool {
        switch method {
        case .GET, .POST, .PUT, .DELETE, .PATCH, .OPTIONS: return true
        default: return false
        }
    }

    /// Whether the request is proxied in the pipeline (see the type's documentation for what is not).
    func accepts(_ head: HTTPRequestHead, path: Substring) -> Bool {
        guard head.version == .http1_1, Self.isForwarded(head.method), head.isKeepAlive,
              path.hasPrefix("/api/"), path != APIProxy.eventStreamPath
        else { return false }
        var length = 0
        for (name, value) in head.headers {
            if Self.equals(name, "transfer-encoding") || Self.equals(name, "expect") || Self.equals(name, "upgrade") { return false }
            if Self.equals(name, "connection"), value.lowercased().contains("close") { return false }
            if Self.equals(name, "content-length") {
                guard let declared = Int(value), declared >= 0, declared <= maxBodyBytes, length == 0 else { return false }
                length = declared
            }
        }
        if Self.holdsNUL(path) { return false }
        if head.method == .GET, let cache, cache.key(method: .get, path: String(path), uri: head.uri) != nil { return false }
        return true
    }

    /// Whether a path holds a NUL, as it is or percent-encoded (`%00`); one pass over its bytes, without Foundation.
    static func holdsNUL(_ path: Substring) -> Bool {
        var matched = 0  // of "%0"
        for byte in path.utf8 {
            if byte == 0 { return true }
            if byte == UInt8(ascii: "%") {
                matched = 1
            } else if byte == UInt8(ascii: "0"), matched > 0 {
                if matched == 2 { return true }
                matched = 2
            } else {
                matched = 0
            }
        }
        return false
    }

    /// Whether `name` is `lowercased` in any case, without allocating.
    @inline(__always)
    static func equals(_ name: String, _ lowercased: StaticString) -> Bool {
        let count = lowercased.utf8CodeUnitCount
        guard name.utf8.count == count else { return false }
        let expected = UnsafeBufferPointer(start: lowercased.utf8Start, count: count)
        var index = 0
        for byte in name.utf8 {
            let folded = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            guard folded == expected[index] else { return false }
            index += 1
        }
        return true
    }

    /// Headers never sent upstream as the client sent them: hop-by-hop ones and those the gateway sets itself.
    private static func isDroppedOnRequest(_ name: String) -> Bool {
        equals(name, "connection") || equals(name, "keep-alive") || equals(name, "proxy-connection") || equals(name, "proxy-authenticate")
            || equals(name, "proxy-authorization") || equals(name, "te") || equals(name, "trailer") || equals(name, "transfer-encoding")
            || equals(name, "upgrade") || equals(name, "content-length") || equals(name, "expect") || equals(name, "x-forwarded-host")
            || equals(name, "x-request-id")
    }

    /// Headers never passed back from an upstream: hop-by-hop ones and those the gateway sets itself.
    private static func isDroppedOnResponse(_ name: String) -> Bool {
        equals(name, "connection") || equals(name, "keep-alive") || equals(name, "proxy-connection") || equals(name, "proxy-authenticate")
            || equals(name, "proxy-authorization") || equals(name, "te") || equals(name, "trailer") || equals(name, "transfer-encoding")
            || equals(name, "upgrade") || equals(name, "x-request-id") || equals(name, "server") || equals(name, "date")
            || equals(name, "content-security-policy") || equals(name, "x-content-type-options") || equals(name, "referrer-policy")
            || equals(name, "x-frame-options")
    }

    /// Names a `Connection` header lists (hop-by-hop too), beyond `keep-alive`/`close`; rarely any.
    /// The usual values (`keep-alive`, `close`) are told apart without Foundation: every upstream answer has one.
    static func connectionOptions(_ headers: HTTPHeaders) -> [String] {
        var options: [String] = []
        for (name, value) in headers where equals(name, "connection") {
            if equals(value, "keep-alive") || equals(value, "close") { continue }
            for option in value.utf8.split(separator: UInt8(ascii: ",")) {
                let trimmed = option.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
                let lowered = String(decoding: trimmed.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
                if lowered != "keep-alive", lowered != "close", !lowered.isEmpty { options.append(lowered) }
            }
        }
        return options
    }

    /// The headers sent upstream (``ProxyHeaders/upstreamRequest(from:authority:clientAddress:trustForwardedFor:requestID:)``
    /// for a head still in NIO's form), without `Host` and `Content-Length`, which each attempt sets.
    func upstreamHeaders(_ headers: HTTPHeaders, peer: String?, requestID: String) -> HTTPHeaders {
        let options = Self.connectionOptions(headers)
        var forwarded = HTTPHeaders()
        forwarded.reserveCapacity(headers.count + 4)
        var authority: String?
        var incomingForwardedFor: [String] = []
        var proto: String?
        for (name, value) in headers {
            if Self.equals(name, "host") {
                authority = value
            } else if Self.equals(name, "x-forwarded-for") {
                if trustForwardedFor { incomingForwardedFor.append(value) }
            } else if Self.equals(name, "x-forwarded-proto") {
                if trustForwardedFor { proto = value }
            } else if !Self.isDroppedOnRequest(name), options.isEmpty || !options.contains(name.lowercased()) {
                forwarded.add(name: name, value: value)
            }
        }
        if let peer { incomingForwardedFor.append(peer) }
        if incomingForwardedFor.count == 1 {
            forwarded.add(name: "X-Forwarded-For", value: incomingForwardedFor[0])
        } else if !incomingForwardedFor.isEmpty {
            let chain = incomingForwardedFor.filter { !$0.isEmpty }.joined(separator: ", ")
            if !chain.isEmpty { forwarded.add(name: "X-Forwarded-For", value: chain) }
        }
        forwarded.add(name: "X-Forwarded-Proto", value: proto ?? "http")
        if let authority { forwarded.add(name: "X-Forwarded-Host", value: authority) }
        forwarded.add(name: "X-Request-ID", value: requestID)
        return forwarded
    }

    /// The client's response head for an upstream's, encoded: hop-by-hop headers dropped, `X-Request-ID`, `Server`,
    /// `Date` and the security headers set, framed as ``ResponseEncoder/frame(_:hasBody:)`` would (a status without a
    /// body loses its length; a body without a length is sent chunked, which `chunked` says). Written straight into
    /// bytes, without an `HTTPHeaders` copy.
    static func clientHead(_ upstream: HTTPResponseHead, requestID: String, serverName: String) -> (head: ByteBuffer, chunked: Bool) {
        let options = connectionOptions(upstream.headers)
        let hasBody = upstream.status.mayHaveResponseBody
        var hasLength = false
        var buffer = ByteBufferAllocator().buffer(capacity: 384 + securityLines.readableBytes)
        ResponseEncoder.encodeStatusLine(status: upstream.status, into: &buffer)
        for (name, value) in upstream.headers where !isDroppedOnResponse(name) {
            if !options.isEmpty, options.contains(name.lowercased()) { continue }
            if equals(name, "content-length") {
                guard hasBody else { continue }
                hasLength = true
            }
            ResponseEncoder.encodeLine(name, value, into: &buffer)
        }
        ResponseEncoder.encodeLine("X-Request-ID", requestID, into: &buffer)
        ResponseEncoder.encodeLine("Server", serverName, into: &buffer)
        ResponseEncoder.encodeLine("Date", HTTPDate.now(), into: &buffer)
        buffer.writeImmutableBuffer(securityLines)
        let chunked = hasBody && !hasLength
        if chunked { buffer.writeStaticString("transfer-encoding: chunked\r\n") }
        buffer.writeStaticString("\r\n")
        return (buffer, chunked)
    }

    /// The security headers' lines (``SecurityHeadersMiddleware/harden(_:)``'s), the same on every proxied answer.
    private static let securityLines: ByteBuffer = {
        var fields = HTTPFields()
        SecurityHeadersMiddleware<GatewayRequestContext>.harden(&fields)
        var lines = ByteBuffer()
        for field in fields { ResponseEncoder.encodeLine(field.name.rawName, field.value, into: &lines) }
        return lines
    }()

    /// The rate limit's verdict for a request: nil when admitted, else the seconds to wait.
    func limited(peer: String?, headers: HTTPHeaders) -> Int? {
        guard let limiter else { return nil }
        let client = ProxyHeaders.clientAddress(peer: peer, headers: headers, trustForwardedFor: trustForwardedFor) ?? "unknown"
        guard case .limited(let retryAfter) = limiter.admit(client) else { return nil }
        metrics.recordRateLimited()
        return retryAfter
    }

    /// The series Hummingbird's `MetricsMiddleware` records a finished request of the `/api/**` route in (the
    /// pipeline keeps the last one it used).
    func routeMetrics(method: HTTPMethod, status: Int) -> RouteMetrics {
        let key = RouteMetricsKey(method: method.rawValue, status: status)
        let factory = metricsFactory
        return routeMetrics.withLockedValue { table in
            if let metrics = table[key] { return metrics }
            let metrics = RouteMetrics(key, factory: factory)
            table[key] = metrics
            return metrics
        }
    }

    fileprivate struct RouteMetricsKey: Hashable {
        let method: String
        let status: Int
    }

    struct RouteMetrics: Sendable {
        let counter: Counter
        let timer: Timer

        fileprivate init(_ key: RouteMetricsKey, factory: any MetricsFactory) {
            let dimensions = [
                ("http.route", CachedGETResponder.route), ("http.request.method", key.method), ("http.response.status_code", String(key.status)),
            ]
            counter = Counter(label: "hb.requests", dimensions: dimensions, factory: factory)
            timer = Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds, factory: factory)
        }
    }
}
