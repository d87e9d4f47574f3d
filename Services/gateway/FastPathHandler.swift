import HTTPTypes
import Metrics
import NIOCore
import NIOHTTP1
import ServiceSupport

/// The per-connection half of ``CachedGETResponder`` and ``PipelineProxy``. It sits right behind NIO's HTTP/1
/// request decoder: cache hits are answered from memory, ordinary `/api/` requests are proxied from here to a pooled upstream connection on the same event loop, and
/// everything else goes on to ``HTTPConnectionGuard``, the HTTP-types codec and Hummingbird.
///
/// HTTP/1.1 answers must leave in the order their requests came. A request is only taken here while none handed
/// on from this connection is still waiting for the end of its response, and while one proxied here is under way,
/// what a pipelining client sends behind it waits (its reads held) until that response has ended.
///
/// Hummingbird closes a connection `IDLE_TIMEOUT` after the last request it saw, and it never sees the requests
/// taken here: a connection that only gets those would be closed under a busy client. So at least once every
/// ``routedAtLeastEvery`` a request on the connection goes to Hummingbird (which answers it the same way), keeping
/// its idle clock current. On graceful shutdown Hummingbird closes connections with no request in progress; the
/// event that tells it so waits here until a proxied response has ended.
/// Unchecked Sendable: a channel handler: its state is touched only on its channel's event loop.
final class FastPathHandler: ChannelDuplexHandler, RemovableChannelHandler, UpstreamRelay, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let responder: CachedGETResponder?
    private let proxy: PipelineProxy?
    private let routedAtLeastEvery: TimeAmount
    /// The connection's response encoder: told of every request head, and writes cache hits' prebuilt heads.
    private let encoder: ResponseEncoder
    private var context: ChannelHandlerContext?
    /// Requests handed on whose response has not ended.
    private var handedOn = 0
    /// The rest of a request answered here (its end, any body) is dropped.
    private var discarding = false
    private var needsFlush = false
    private var peer: String?
    private var lastHandedOn = NIODeadline.now()
    /// The request proxied here, from its head to its response's end.
    private var proxied: Proxied?
    /// Parts that came behind a proxied request (a pipelining client), handled once its response has ended.
    private var queued = CircularBuffer<HTTPServerRequestPart>()
    private var heldRead = false
    private var heldQuiesce: Any?
    private var quiescing = false
    /// Whether a part went on to Hummingbird since the last end of a read (only then is the end passed on: its
    /// handlers have nothing to do with a read that stopped here).
    private var passedOnThisRead = false
    /// The metrics last recorded into, kept: most requests on a connection end the same way.
    private var lastRoute: (method: HTTPMethod, status: Int, metrics: PipelineProxy.RouteMetrics)?
    private var lastUpstream: (name: String, status: HTTPResponseStatus, counter: Counter)?

    init(responder: CachedGETResponder?, proxy: PipelineProxy?, routedAtLeastEvery: TimeAmount, encoder: ResponseEncoder) {
        self.responder = responder
        self.proxy = proxy
        self.routedAtLeastEvery = routedAtLeastEvery
        self.encoder = encoder
    }

    /// One request proxied in the pipeline.
    private final class Proxied {
        enum Phase { case reading, waiting, relaying }

        let head: HTTPRequestHead
        let method: HTTPRequest.Method
        let path: String
        let requestID: String
        let start: ContinuousClock.Instant
        let upstreamHeaders: HTTPHeaders
        var body: ByteBuffer?
        var phase = Phase.reading
        /// The upstream of the attempt under way, counted in flight on it until released.
        var upstream: Upstream?
        /// The last upstream tried (the access log's).
        var upstreamName: String?
        var failed: Upstream?
        var attempts = 0
        var lastFailure: UpstreamFailure?
        var connection: UpstreamConnection?
        var exchange: UpstreamConnection.Exchange?
        /// The attempt's connection was opened for it (not taken idle from the pool).
        var fresh = false
        var status = 0
        var bytes = 0

        init(head: HTTPRequestHead, path: String, requestID: String, start: ContinuousClock.Instant, upstreamHeaders: HTTPHeaders) {
            self.head = head
            self.method = HTTPRequest.Method(head.method.rawValue) ?? .get
            self.path = path
            self.requestID = requestID
            self.start = start
            self.upstreamHeaders = upstreamHeaders
        }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        peer = context.channel.remoteAddress?.ipAddress
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if case .head(let request) = part { encoder.requestArrived(request.method) }
        if let proxied, proxied.phase != .reading {
            queued.append(part)
            return
        }
        if handle(part, context: context) { passedOnThisRead = true }
    }

    /// Returns whether the part was passed on to Hummingbird.
    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) -> Bool {
        switch part {
        case .head(let request):
            if handedOn == 0, !quiescing, NIODeadline.now() - lastHandedOn < routedAtLeastEvery {
                if let responder, let answer = responder.respond(to: request, peer: peer) {
                    discarding = true
                    encoder.writeAnswer(head: answer.head, status: answer.status, body: answer.body)
                    needsFlush = true
                    return false
                }
                if let proxy, begin(request, proxy: proxy, context: context) { return false }
            }
            discarding = false
            handedOn += 1
            lastHandedOn = .now()
        case .body(let chunk):
            if discarding { return false }
            if let proxied {
                if proxied.body == nil { proxied.body = chunk } else { proxied.body!.writeImmutableBuffer(chunk) }
                return false
            }
        case .end:
            if discarding {
                discarding = false
                return false
            }
            if let proxied {
                proxied.phase = .waiting
                attempt(proxied)
                return false
            }
        }
        context.fireChannelRead(wrapInboundOut(part))
        return true
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfNeeded()
        if passedOnThisRead || handedOn > 0 {
            passedOnThisRead = false
            context.fireChannelReadComplete()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let proxied {
            self.proxied = nil
            if let connection = proxied.connection, let exchange = proxied.exchange { connection.relayLeft(exchange) }
            release(proxied)
            log(proxied, error: ChannelError.ioOnClosedChannel)
        }
        queued.removeAll()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            quiescing = true
            if proxied != nil {
                heldQuiesce = event
                return
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { handedOn = max(0, handedOn - 1) }
        context.write(data, promise: promise)
    }

    /// A pipelining client's reads wait while its proxied request is under way (a client that waits for each answer
    /// is read as usual: holding its read would cost two `epoll_ctl` calls per request).
    func read(context: ChannelHandlerContext) {
        if !queued.isEmpty, let proxied, proxied.phase != .reading {
            heldRead = true
        } else {
            context.read()
        }
    }

    private func flushIfNeeded() {
        if needsFlush {
            needsFlush = false
            context?.flush()
        }
    }

    /// A whole answer made here, through the response encoder; flushed at the end of the read.
    private func write(_ answer: (head: HTTPResponseHead, body: ByteBuffer), context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(answer.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(answer.body))), promise: nil)
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
        needsFlush = true
    }

    // MARK: Proxying

    /// Takes the request if the pipeline proxies it (answering a rate-limited one at once).
    private func begin(_ request: HTTPRequestHead, proxy: PipelineProxy, context: ChannelHandlerContext) -> Bool {
        let uri = request.uri
        let path = uri.utf8.firstIndex(of: UInt8(ascii: "?")).map { uri[..<$0] } ?? uri[...]
        guard proxy.accepts(request, path: path) else { return false }
        let start = ContinuousClock.now
        let requestID = ProxyHeaders.requestID(from: request.headers)
        if let retryAfter = proxy.limited(peer: peer, headers: request.headers) {
            let answer = CachedGETResponder.errorAnswer(
                RateLimitMiddleware.error(retryAfter: retryAfter), requestID: requestID, serverName: proxy.serverName, retryAfter: retryAfter
            )
            discarding = true
            write(answer, context: context)
            let limited = Proxied(head: request, path: String(path), requestID: requestID, start: start, upstreamHeaders: [:])
            limited.status = 429
            limited.bytes = answer.body.readableBytes
            log(limited, error: nil)
            return true
        }
        proxied = Proxied(
            head: request, path: String(path), requestID: requestID, start: start,
            upstreamHeaders: proxy.upstreamHeaders(request.headers, peer: peer, requestID: requestID)
        )
        return true
    }

    /// Picks an upstream and sends the request to it; with none left, answers the last failure.
    private func attempt(_ request: Proxied) {
        guard let proxy else { return }
        guard request.attempts < 2, let upstream = proxy.pool.acquire(excluding: request.failed) else {
            return answer(request, error: request.lastFailure?.apiError
                ?? APIError(.serviceUnavailable, "no_upstream", "No API server is available; try again shortly."))
        }
        guard upstream.isPlainHTTP else {
            proxy.pool.release(upstream)
            if request.attempts == 0 { return handOn(request) }
            return answer(request, error: request.lastFailure?.apiError
                ?? APIError(.serviceUnavailable, "no_upstream", "No API server is available; try again shortly."))
        }
        request.attempts += 1
        request.upstream = upstream
        request.upstreamName = upstream.name
        send(request, to: upstream, proxy: proxy)
    }

    private func send(_ request: Proxied, to upstream: Upstream, proxy: PipelineProxy) {
        guard let context else { return }
        if let connection = proxy.connections.takeIdle(upstream, on: context.eventLoop) {
            request.fresh = false
            dispatch(request, to: upstream, on: connection, proxy: proxy)
            return
        }
        request.fresh = true
        // Completed on this handler's event loop (the hop costs nothing when it already is).
        proxy.connections.connect(upstream, on: context.eventLoop).hop(to: context.eventLoop).assumeIsolated().whenComplete { [self] result in
            switch result {
            case .success(let connection):
                guard proxied === request else { return connection.close() }
                dispatch(request, to: upstream, on: connection, proxy: proxy)
            case .failure(let error):
                guard proxied === request else { return }
                upstreamFailed(error)
            }
        }
    }

    private func dispatch(_ request: Proxied, to upstream: Upstream, on connection: UpstreamConnection, proxy: PipelineProxy) {
        var head = HTTPRequestHead(
            version: .http1_1, method: request.head.method, uri: upstream.pathPrefix + request.head.uri, headers: request.upstreamHeaders
        )
        head.headers.add(name: "Host", value: upstream.name)
        if let body = request.body {
            head.headers.add(name: "Content-Length", value: String(body.readableBytes))
        } else if request.head.method == .POST || request.head.method == .PUT || request.head.method == .PATCH {
            head.headers.add(name: "Content-Length", value: "0")
        }
        let exchange = UpstreamConnection.Exchange(relay: self)
        request.connection = connection
        request.exchange = exchange
        connection.send(head, body: request.body, exchange: exchange, deadline: .now() + proxy.upstreamTimeout)
    }

    func upstreamHead(_ head: HTTPResponseHead) -> Bool {
        guard let request = proxied, let proxy, let context, let upstream = request.upstream else { return false }
        request.phase = .relaying
        request.status = Int(head.status.code)
        if let last = lastUpstream, last.status == head.status, last.name == upstream.name {
            last.counter.increment()
        } else {
            let counter = proxy.metrics.upstreamRequestCounter(upstream, status: String(request.status))
            counter.increment()
            lastUpstream = (upstream.name, head.status, counter)
        }
        let answer = PipelineProxy.clientHead(head, requestID: request.requestID, serverName: proxy.serverName)
        encoder.writeHead(answer.head, status: head.status, chunked: answer.chunked)
        return context.channel.isWritable
    }

    func upstreamBody(_ chunk: ByteBuffer) -> Bool {
        guard let request = proxied, let context else { return false }
        request.bytes += chunk.readableBytes
        context.write(wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil)
        return context.channel.isWritable
    }

    func upstreamReadComplete() {
        context?.flush()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let request = proxied, request.phase == .relaying { request.connection?.relayWantsMore() }
        context.fireChannelWritabilityChanged()
    }

    func upstreamEnd() {
        guard let request = proxied, let context else { return }
        request.connection = nil
        request.exchange = nil
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        finish(request, error: nil)
    }

    func upstreamFailed(_ error: any Error) {
        guard let request = proxied, let proxy, let context, let upstream = request.upstream else { return }
        request.connection = nil
        request.exchange = nil
        if request.phase == .relaying {
            // The answer was cut off mid-body: the client can only tell if its connection closes.
            finish(request, error: error)
            context.close(promise: nil)
            return
        }
        if case .closedBeforeSending = error as? UpstreamConnectionError, !request.fresh {
            // A kept-alive connection the upstream closed while idle: nothing was sent; the next one, or a new one.
            return send(request, to: upstream, proxy: proxy)
        }
        let failure = UpstreamFailure(error)
        proxy.pool.release(upstream)
        request.upstream = nil
        proxy.metrics.recordUpstreamRequest(upstream, status: "error")
        proxy.logger.warning("upstream request failed", metadata: [
            "upstream": "\(upstream.name)", "error": "\(error)", "method": "\(request.method)", "path": "\(request.path)",
        ])
        if failure.takesUpstreamDown { proxy.pool.markDown(upstream, reason: "\(error)") }
        request.lastFailure = failure
        guard failure.allowsRetry(of: request.method, hasIdempotencyKey: request.head.headers.contains(name: "Idempotency-Key")) else {
            return answer(request, error: failure.apiError)
        }
        request.failed = upstream
        attempt(request)
    }

    /// Answers the request with the gateway's own JSON error.
    private func answer(_ request: Proxied, error: APIError) {
        guard let proxy, let context else { return }
        let answer = CachedGETResponder.errorAnswer(error, requestID: request.requestID, serverName: proxy.serverName)
        write(answer, context: context)
        flushIfNeeded()
        request.status = error.status.code
        request.bytes = answer.body.readableBytes
        finish(request, error: nil)
    }

    /// The request goes to Hummingbird after all (an `https` upstream), its parts as they came.
    private func handOn(_ request: Proxied) {
        guard let context else { return }
        proxied = nil
        handedOn += 1
        lastHandedOn = .now()
        context.fireChannelRead(wrapInboundOut(.head(request.head)))
        if let body = request.body { context.fireChannelRead(wrapInboundOut(.body(body))) }
        context.fireChannelRead(wrapInboundOut(.end(nil)))
        context.fireChannelReadComplete()
        resume()
    }

    private func release(_ request: Proxied) {
        if let upstream = request.upstream {
            request.upstream = nil
            proxy?.pool.release(upstream)
        }
    }

    private func log(_ request: Proxied, error: (any Error)?) {
        guard let proxy else { return }
        let route: PipelineProxy.RouteMetrics
        if let last = lastRoute, last.status == request.status, last.method == request.head.method {
            route = last.metrics
        } else {
            route = proxy.routeMetrics(method: request.head.method, status: request.status)
            lastRoute = (request.head.method, request.status, route)
        }
        route.counter.increment()
        route.timer.record(duration: ContinuousClock.now - request.start)
        proxy.accessLog.write(
            method: request.method, path: request.path, status: request.status, bytes: request.bytes,
            since: request.start, client: peer, upstream: request.upstreamName, requestID: request.requestID, error: error
        )
    }

    private func finish(_ request: Proxied, error: (any Error)?) {
        proxied = nil
        release(request)
        log(request, error: error)
        resume()
    }

    /// After a proxied request: what queued behind it, then any held read and shutdown notice.
    private func resume() {
        guard let context else { return }
        var passedOn = false
        while !queued.isEmpty, proxied?.phase ?? .reading == .reading {
            if handle(queued.removeFirst(), context: context) { passedOn = true }
        }
        if passedOn { context.fireChannelReadComplete() }
        flushIfNeeded()
        guard proxied == nil else { return }
        if heldRead {
            heldRead = false
            context.read()
        }
        if let event = heldQuiesce {
            heldQuiesce = nil
            context.fireUserInboundEventTriggered(event)
        }
    }
}

extension FastPathHandler {
    /// The HTTP/1 byte codec of a server with a fast path (``GuardedHTTP1Channel/Codec``): a ``ResponseEncoder`` and
    /// NIO's request decoder, unpaired (the ``FastPathHandler`` that ``Placement`` puts behind the decoder tells the
    /// encoder each request's method).
    static let codec: GuardedHTTP1Channel.Codec = { pipeline, limits in
        try pipeline.addHandler(ResponseEncoder())
        try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, limitConfiguration: limits)))
    }

    /// What the server adds behind its HTTP-types codec (the only place Hummingbird lets a server add handlers): on
    /// being added it puts a ``FastPathHandler`` right behind the HTTP/1 request decoder of ``FastPathHandler/codec``,
    /// then only passes parts on.
    final class Placement: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny
        private let responder: CachedGETResponder?
        private let proxy: PipelineProxy?
        private let routedAtLeastEvery: TimeAmount

        init(responder: CachedGETResponder?, proxy: PipelineProxy?, routedAtLeastEvery: TimeAmount) {
            self.responder = responder
            self.proxy = proxy
            self.routedAtLeastEvery = routedAtLeastEvery
        }

        func handlerAdded(context: ChannelHandlerContext) {
            let pipeline = context.pipeline.syncOperations
            // Without the gateway's codec (the encoder a fast path needs) everything goes on to Hummingbird.
            guard let encoder = try? pipeline.handler(type: ResponseEncoder.self),
                  let decoder = try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            else { return }
            try? pipeline.addHandler(
                FastPathHandler(responder: responder, proxy: proxy, routedAtLeastEvery: routedAtLeastEvery, encoder: encoder), position: .after(decoder)
            )
        }
    }
}
