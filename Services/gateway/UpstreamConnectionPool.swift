import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// Long-lived HTTP/1.1 connections to each plain-`http` upstream, on NIO's own HTTP/1 client codec: a request takes
/// an idle connection (one on the event loop it runs on when there is one), or opens a new one, and the connection
/// comes back as soon as the response's end has been read. Per request that is one write and one resumption of the
/// waiting task, where AsyncHTTPClient's per-request machinery (request state machines, a connection-pool actor
/// hop, a body stream per response) cost the gateway several times nginx's CPU per proxied request (BENCHMARKS.md).
///
/// Idle connections close after `idleLimit` (well under the api-server's own `IDLE_TIMEOUT`, so the gateway is the
/// side that closes an idle connection and a request never races the upstream's close), and at most
/// `maxIdlePerUpstream` are kept. Connections busy with a request are not capped: each holds one client request.
/// Event streams and `https` upstreams still go through AsyncHTTPClient (``APIProxy``).
final class UpstreamConnectionPool: Service, Sendable {
    let group: any EventLoopGroup
    let connectTimeout: TimeAmount
    let idleLimit: TimeAmount
    let maxIdlePerUpstream: Int
    /// Idle connections by upstream name, then by the event loop they run on.
    private let idle = NIOLockedValueBox<[String: [ObjectIdentifier: [UpstreamConnection]]]>([:])
    private let closed = NIOLockedValueBox(false)

    init(group: any EventLoopGroup, connectTimeout: TimeAmount = .seconds(2), idleLimit: TimeAmount = .seconds(20), maxIdlePerUpstream: Int) {
        self.group = group
        self.connectTimeout = connectTimeout
        self.idleLimit = idleLimit
        self.maxIdlePerUpstream = maxIdlePerUpstream
    }

    /// Sends one request to `upstream` and returns its response head, with the body whole or to be streamed.
    /// Throws the connection's error (``UpstreamFailure`` classifies it), or `CancellationError` when the task is
    /// cancelled before the head arrives.
    func execute(_ head: HTTPRequestHead, body: ByteBuffer?, on upstream: Upstream, deadline: NIODeadline) async throws -> UpstreamResponse {
        // A kept-alive connection the upstream closed while idle is found dead before anything is written to it;
        // the request then goes on a new one.
        let current = MultiThreadedEventLoopGroup.currentEventLoop
        while let connection = takeIdle(upstream, on: current) {
            do {
                return try await exchange(head, body: body, on: connection, deadline: deadline)
            } catch UpstreamConnectionError.closedBeforeSending {
                continue
            }
        }
        let connection = try await connect(upstream, on: current ?? group.next()).get()
        return try await exchange(head, body: body, on: connection, deadline: deadline)
    }

    private func exchange(_ head: HTTPRequestHead, body: ByteBuffer?, on connection: UpstreamConnection, deadline: NIODeadline) async throws -> UpstreamResponse {
        let exchange = UpstreamConnection.Exchange()
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                exchange.continuation = continuation
                if connection.eventLoop.inEventLoop {
                    connection.send(head, body: body, exchange: exchange, deadline: deadline)
                } else {
                    connection.eventLoop.execute { connection.send(head, body: body, exchange: exchange, deadline: deadline) }
                }
            }
        } onCancel: {
            connection.eventLoop.execute { connection.cancel(exchange) }
        }
    }

    /// How many idle connections to `upstream` the pool holds.
    func idleCount(for upstream: Upstream) -> Int {
        idle.withLockedValue { $0[upstream.name]?.values.reduce(0) { $0 + $1.count } ?? 0 }
    }

    /// An idle connection to `upstream`, the most recently used one on `eventLoop`; with no event loop given (a
    /// request's task), one on any loop.
    func takeIdle(_ upstream: Upstream, on eventLoop: (any EventLoop)?) -> UpstreamConnection? {
        idle.withLockedValue { table -> UpstreamConnection? in
            let loop: ObjectIdentifier
            if let eventLoop {
                loop = ObjectIdentifier(eventLoop)
            } else if let any = table[upstream.name]?.first(where: { !$0.value.isEmpty })?.key {
                loop = any
            } else {
                return nil
            }
            return table[upstream.name]?[loop]?.popLast()
        }
    }

    private func putBack(_ connection: UpstreamConnection, _ upstream: Upstream) -> Bool {
        if closed.withLockedValue({ $0 }) { return false }
        let loop = ObjectIdentifier(connection.eventLoop)
        return idle.withLockedValue { table in
            guard table[upstream.name, default: [:]][loop, default: []].count < maxIdlePerUpstream else { return false }
            table[upstream.name, default: [:]][loop, default: []].append(connection)
            return true
        }
    }

    private func forget(_ connection: UpstreamConnection, _ upstream: Upstream) {
        let loop = ObjectIdentifier(connection.eventLoop)
        idle.withLockedValue { table in
            table[upstream.name]?[loop]?.removeAll { $0 === connection }
        }
    }

    /// Opens a connection to `upstream` on `eventLoop`; it joins the pool's idle ones after its first exchange.
    func connect(_ upstream: Upstream, on eventLoop: any EventLoop) -> EventLoopFuture<UpstreamConnection> {
        let connection = UpstreamConnection(eventLoop: eventLoop, idleLimit: idleLimit) { [weak self] connection in
            guard let self, self.putBack(connection, upstream) else { return connection.close() }
        }
        return ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(connection)
                }
            }
            .connect(host: upstream.host, port: upstream.port)
            .map { [weak self] channel in
                channel.closeFuture.whenComplete { _ in self?.forget(connection, upstream) }
                return connection
            }
    }

    /// Returns on graceful shutdown (the server has drained by then: it stops first), then closes every idle
    /// connection; connections still answering close when their response ends.
    func run() async throws {
        try? await gracefulShutdown()
        closed.withLockedValue { $0 = true }
        let connections = idle.withLockedValue { table in
            defer { table = [:] }
            return table.values.flatMap { $0.values.flatMap { $0 } }
        }
        for connection in connections { connection.eventLoop.execute { connection.close() } }
    }
}
