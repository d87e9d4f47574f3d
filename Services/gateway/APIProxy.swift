import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import ServiceSupport

/// Forwards `/api/` requests to the upstream pool and streams the answers back.
///
/// Request bodies are read first, up to the size limit, which lets an oversized body be refused without contacting
/// an upstream and lets a failed attempt be sent again. Response bodies are never buffered: each chunk is written to
/// the client as it arrives, so server-sent events pass through live, and a client that goes away cancels the
/// upstream request.
struct APIProxy: Sendable {
    let pool: UpstreamPool
    /// Plain-`http` upstreams, for everything but event streams.
    let connections: UpstreamConnectionPool
    /// `https` upstreams and event streams.
    let client: HTTPClient
    let metrics: GatewayMetrics
    let upstreamTimeout: Duration
    let maxBodyBytes: Int
    let trustForwardedFor: Bool
    /// Micro-cache of hot GETs; nil when turned off.
    var cache: ResponseCache?
    /// Caps open event streams per client and in all.
    var streams = EventStreamLimiter()
    static let eventStreamPath = "/api/v1/stream"

    /// The methods forwarded; others get the router's 404.
    static let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .delete, .patch, .options]

    func addRoutes(to router: Router<GatewayRequestContext>) {
        for method in Self.methods {
            router.on("/api/**", method: method) { request, context in
                try await forward(request, context: context)
            }
        }
    }

    func forward(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let requestID = ProxyHeaders.requestID(from: request.headers)
        context.trace.requestID = requestID
        let cacheKey = cache?.key(method: request.method, path: request.uri.path, uri: request.uri.description)
        if let cache, let cacheKey, case .hit(let entry) = cache.lookup(cacheKey) {
            metrics.recordCache("hit")
            return Self.cachedResponse(entry, requestID: requestID)
        }
        defer { if let cacheKey { cache?.abandon(cacheKey) } }
        var streamSlot: EventStreamSlot?
        if request.uri.path == Self.eventStreamPath {
            let client = ProxyHeaders.clientAddress(peer: context.peerAddress, fields: request.headers, trustForwardedFor: trustForwardedFor) ?? "unknown"
            guard let slot = streams.slot(client: client) else {
                var refused = try EventStreamLimiter.refusal.response(from: request, context: context)
                refused.headers[.retryAfter] = "5"
                return refused
            }
            streamSlot = slot
        }
        let body = try await readBody(of: request)
        let headers = ProxyHeaders.upstreamRequest(
            from: request.headers, authority: request.head.authority, clientAddress: context.peerAddress,
            trustForwardedFor: trustForwardedFor, requestID: requestID
        )

        var failed: Upstream?
        var lastFailure: UpstreamFailure?
        for _ in 0..<2 {
            guard let upstream = pool.acquire(excluding: failed) else { break }
            let lease = UpstreamLease(upstream: upstream, pool: pool)
            context.trace.upstream = upstream.name
            do {
                if upstream.isPlainHTTP, streamSlot == nil {
                    return try await forwardPooled(
                        request, headers: headers, body: body, to: upstream, lease: lease, cacheKey: cacheKey, requestID: requestID
                    )
                }
                var outbound = HTTPClientRequest(url: upstream.url(for: request.uri.description))
                outbound.method = HTTPMethod(rawValue: request.method.rawValue)
                outbound.headers = headers
                if let body { outbound.body = .bytes(body) }
                let response = try await client.execute(outbound, deadline: .now() + TimeAmount(upstreamTimeout), logger: context.logger)
                metrics.recordUpstreamRequest(upstream, status: String(response.status.code))
                if let cache, let cacheKey {
                    let headers = ProxyHeaders.clientResponse(from: response.headers)
                    if cache.isCacheable(status: Int(response.status.code), headers: headers) {
                        let body = try await response.body.collect(upTo: cache.maxEntryBytes)
                        lease.release()
                        let status = HTTPResponse.Status(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase)
                        cache.store(cacheKey, status: status, headers: headers, body: body)
                        metrics.recordCache("miss")
                        var answer = headers
                        answer[ProxyHeaders.requestIDHeader] = requestID
                        answer[ResponseCache.statusHeader] = "MISS"
                        return Response(status: status, headers: answer, body: .init(byteBuffer: body))
                    }
                    metrics.recordCache("uncacheable")
                }
                return clientResponse(from: response, lease: lease, requestID: requestID, streamSlot: streamSlot)
            } catch {
                lease.release()
                let failure = UpstreamFailure(error)
                if case .cancelled = failure { throw CancellationError() }
                metrics.recordUpstreamRequest(upstream, status: "error")
                context.logger.warning("upstream request failed", metadata: [
                    "upstream": "\(upstream.name)", "error": "\(error)", "method": "\(request.method)", "path": "\(request.uri.path)",
                ])
                if failure.takesUpstreamDown { pool.markDown(upstream, reason: "\(error)") }
                lastFailure = failure
                guard failure.allowsRetry(of: request.method, hasIdempotencyKey: request.headers[ProxyHeaders.idempotencyKey] != nil) else { break }
                failed = upstream
            }
        }
        if let lastFailure { throw lastFailure.apiError }
        throw APIError(.serviceUnavailable, "no_upstream", "No API server is available; try again shortly.")
    }

    /// One attempt over the pooled connections (``UpstreamConnectionPool``): the answer is stored in the cache when
    /// it may be, else passed on, whole when it came whole, else streamed.
    private func forwardPooled(
        _ request: Request, headers: HTTPHeaders, body: ByteBuffer?, to upstream: Upstream, lease: UpstreamLease,
        cacheKey: String?, requestID: String
    ) async throws -> Response {
        var head = HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: request.method.rawValue), uri: upstream.pathPrefix + request.uri.description,
            headers: headers
        )
        head.headers.add(name: "Host", value: upstream.name)
        if let body { head.headers.add(name: "Content-Length", value: String(body.readableBytes)) }
        let response = try await connections.execute(head, body: body, on: upstream, deadline: .now() + TimeAmount(upstreamTimeout))
        metrics.recordUpstreamRequest(upstream, status: String(response.status.code))
        var fields = ProxyHeaders.clientResponse(from: response.headers)
        let status = HTTPResponse.Status(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase)
        if let cache, let cacheKey {
            if cache.isCacheable(status: Int(response.status.code), headers: fields) {
                let body = try await response.collect(upTo: cache.maxEntryBytes)
                lease.release()
                cache.store(cacheKey, status: status, headers: fields, body: body)
                metrics.recordCache("miss")
                fields[ProxyHeaders.requestIDHeader] = requestID
                fields[ResponseCache.statusHeader] = "MISS"
                return Response(status: status, headers: fields, body: .init(byteBuffer: body))
            }
            metrics.recordCache("uncacheable")
        }
        fields[ProxyHeaders.requestIDHeader] = requestID
        switch response.body {
        case .complete(let body):
            lease.release()
            return Response(status: status, headers: fields, body: .init(byteBuffer: body))
        case .streaming(let chunks):
            return Response(status: status, headers: fields, body: ResponseBody { writer in
                defer { lease.release() }
                for try await chunk in chunks { try await writer.write(chunk) }
                try await writer.finish(nil)
            })
        }
    }

    /// The request body, or nil when there is none to send; refuses a body over the limit before reading it when its
    /// length is declared, and as soon as it passes the limit otherwise.
    private func readBody(of request: Request) async throws -> ByteBuffer? {
        let tooLarge = APIError(.contentTooLarge, "body_too_large", "The request body is larger than \(maxBodyBytes) bytes.")
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBodyBytes { throw tooLarge }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
        if buffer.readableBytes == 0, [.get, .head, .delete, .options].contains(request.method) { return nil }
        return buffer
    }

    /// A stored answer, with its age in seconds.
    static func cachedResponse(_ entry: ResponseCache.Entry, requestID: String) -> Response {
        var headers = entry.headers
        headers[ProxyHeaders.requestIDHeader] = requestID
        headers[ResponseCache.statusHeader] = "HIT"
        headers[.age] = String(Int((ContinuousClock.now - entry.stored) / .seconds(1)))
        return Response(status: entry.status, headers: headers, body: .init(byteBuffer: entry.body))
    }

    /// `streamSlot` is held until the body ends, so an event stream counts against the caps while it is open.
    private func clientResponse(from upstream: HTTPClientResponse, lease: UpstreamLease, requestID: String, streamSlot: EventStreamSlot? = nil) -> Response {
        var headers = ProxyHeaders.clientResponse(from: upstream.headers)
        headers[ProxyHeaders.requestIDHeader] = requestID
        let upstreamBody = upstream.body
        let isEventStream = upstream.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true
        let body = ResponseBody { writer in
            defer {
                lease.release()
                withExtendedLifetime(streamSlot) {}
            }
            guard isEventStream else {
                for try await chunk in upstreamBody { try await writer.write(chunk) }
                try await writer.finish(nil)
                return
            }
            // An event stream never ends by itself, and the server drains open requests on SIGTERM: the gateway ends
            // its streams when shutdown starts (the dashboard reconnects elsewhere), or it would wait for every one.
            let (chunks, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
            let pump = Task {
                do { for try await chunk in upstreamBody { continuation.yield(chunk) } } catch {}
                continuation.finish()
            }
            defer { pump.cancel() }
            try await withGracefulShutdownHandler {
                for await chunk in chunks { try await writer.write(chunk) }
            } onGracefulShutdown: {
                continuation.finish()
            }
            try await writer.finish(nil)
        }
        return Response(status: .init(code: Int(upstream.status.code), reasonPhrase: upstream.status.reasonPhrase), headers: headers, body: body)
    }
}
