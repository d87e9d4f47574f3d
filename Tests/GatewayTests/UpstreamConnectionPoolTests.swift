import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@testable import Gateway

/// The gateway's own pooled HTTP/1.1 client against a live stand-in api-server.
@Suite("gateway: pooled upstream connections")
struct UpstreamConnectionPoolTests {
    static func get(_ path: String, _ upstream: Upstream) -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: ["Host": upstream.name])
    }

    static func withUpstream(
        idleLimit: TimeAmount = .seconds(20), _ body: (Upstream, UpstreamConnectionPool) async throws -> Void
    ) async throws {
        let server = TestUpstream(name: "alpha")
        try await server.start()
        let upstream = try #require(Upstream(server.baseURL))
        let pool = UpstreamConnectionPool(group: MultiThreadedEventLoopGroup.singleton, idleLimit: idleLimit, maxIdlePerUpstream: 8)
        do {
            try await body(upstream, pool)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func sequentialRequestsReuseOneKeptAliveConnection() async throws {
        try await Self.withUpstream { upstream, pool in
            for _ in 0..<20 {
                let response = try await pool.execute(Self.get("/api/whoami", upstream), body: nil, on: upstream, deadline: .now() + .seconds(5))
                #expect(response.status == .ok)
                #expect(String(buffer: try await response.collect(upTo: 1000)) == "alpha")
            }
            #expect(pool.idleCount(for: upstream) == 1)
        }
    }

    @Test func anIdleConnectionClosesAfterTheIdleLimitAndABusyOneDoesNot() async throws {
        try await Self.withUpstream(idleLimit: .seconds(1)) { upstream, pool in
            // Requests 100 ms apart for 1.5 s: never idle for the limit, so the one connection stays past it.
            for _ in 0..<15 {
                let response = try await pool.execute(Self.get("/api/whoami", upstream), body: nil, on: upstream, deadline: .now() + .seconds(5))
                _ = try await response.collect(upTo: 1000)
                try await Task.sleep(for: .milliseconds(100))
                #expect(pool.idleCount(for: upstream) == 1)
            }
            try await Task.sleep(for: .milliseconds(2500))
            #expect(pool.idleCount(for: upstream) == 0)
        }
    }

    @Test func aPOSTBodyIsSentAndAnswered() async throws {
        try await Self.withUpstream { upstream, pool in
            var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/api/echo", headers: ["Host": upstream.name])
            head.headers.add(name: "Content-Length", value: "5")
            let response = try await pool.execute(head, body: ByteBuffer(string: "hello"), on: upstream, deadline: .now() + .seconds(5))
            #expect(response.status.code < 300)
            #expect(String(buffer: try await response.collect(upTo: 1000)).contains("hello"))
        }
    }

    @Test func aLongBodyIsStreamedAndTheConnectionComesBackAfterItsEnd() async throws {
        try await Self.withUpstream { upstream, pool in
            let response = try await pool.execute(Self.get("/api/v1/stream?events=3", upstream), body: nil, on: upstream, deadline: .now() + .seconds(5))
            guard case .streaming(let chunks) = response.body else {
                Issue.record("a body sent over 300 ms arrived whole")
                return
            }
            var text = ""
            for try await chunk in chunks { text += String(buffer: chunk) }
            #expect(text.components(separatedBy: "data:").count - 1 == 3, "\(text)")
            #expect(pool.idleCount(for: upstream) == 1)
        }
    }

    @Test func noHeadBeforeTheDeadlineIsATimeoutAndTheConnectionIsNotReused() async throws {
        try await Self.withUpstream { upstream, pool in
            let error = await #expect(throws: (any Error).self) {
                try await pool.execute(Self.get("/api/slow?ms=500", upstream), body: nil, on: upstream, deadline: .now() + .milliseconds(100))
            }
            guard let error, case .timedOut = UpstreamFailure(error) else {
                Issue.record("\(String(describing: error)) is not a timeout")
                return
            }
            #expect(pool.idleCount(for: upstream) == 0)
        }
    }

    @Test func aRefusedConnectionIsUnreachable() async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        let upstream = try #require(Upstream("http://127.0.0.1:\(port)"))
        let pool = UpstreamConnectionPool(group: MultiThreadedEventLoopGroup.singleton, maxIdlePerUpstream: 8)
        let error = await #expect(throws: (any Error).self) {
            try await pool.execute(Self.get("/api/whoami", upstream), body: nil, on: upstream, deadline: .now() + .seconds(5))
        }
        guard let error, case .unreachable = UpstreamFailure(error) else {
            Issue.record("\(String(describing: error)) is not 'unreachable'")
            return
        }
        #expect(UpstreamFailure(error).allowsRetry(of: .post))
    }
}
