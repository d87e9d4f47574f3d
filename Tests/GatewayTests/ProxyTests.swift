import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
@testable import Gateway

@Suite("Reverse proxy to live upstreams")
struct ProxyTests {
    @Test("requests are spread over both upstreams", arguments: [BalancingStrategy.roundRobin, .leastConnections])
    func balancesAcrossUpstreams(strategy: BalancingStrategy) async throws {
        try await GatewayHarness.run(configure: { $0.balancing = strategy }) { gateway in
            var answers: [String: Int] = [:]
            for _ in 0..<20 {
                let reply = try await gateway.send("/api/whoami")
                #expect(reply.status == 200)
                answers[reply.text, default: 0] += 1
            }
            #expect(answers["alpha", default: 0] >= 8, "\(answers)")
            #expect(answers["beta", default: 0] >= 8, "\(answers)")
        }
    }

    @Test("a stopped upstream is routed around at once and rejoins after it restarts")
    func failoverAndRejoin() async throws {
        try await GatewayHarness.run { gateway in
            let beta = gateway.upstreams[1]
            await beta.stop()
            for _ in 0..<20 {
                let reply = try await gateway.send("/api/whoami")
                #expect(reply.status == 200)
                #expect(reply.text == "alpha")
            }
            #expect(try await gateway.metricsText().contains(#"gateway_upstream_healthy{upstream="127.0.0.1:\#(beta.port)"} 0"#))

            try await beta.start()
            let rejoined = await gateway.eventually(within: 5) {
                (try? await gateway.send("/api/whoami").text) == "beta"
            }
            #expect(rejoined)
            #expect(try await gateway.metricsText().contains(#"gateway_upstream_healthy{upstream="127.0.0.1:\#(beta.port)"} 1"#))
        }
    }

    @Test("a POST that cannot connect is retried on the other upstream")
    func refusedPostIsRetried() async throws {
        // A long health interval keeps the checker from noticing first, so the request itself meets the refusal.
        try await GatewayHarness.run(configure: { $0.healthInterval = .seconds(60); $0.balancing = .roundRobin }) { gateway in
            await gateway.upstreams[0].stop()
            for _ in 0..<4 {
                let reply = try await gateway.send("/api/echo", method: .POST, body: .bytes(ByteBuffer(string: "hello")))
                #expect(reply.status == 200)
                #expect(reply.text == "hello")
            }
        }
    }

    @Test("no response head within the upstream timeout is 504 JSON, after a second attempt for a GET")
    func upstreamTimeoutIs504() async throws {
        try await GatewayHarness.run(configure: { $0.upstreamTimeout = .milliseconds(300) }) { gateway in
            let reply = try await gateway.send("/api/slow?ms=2000")
            #expect(reply.status == 504)
            #expect(reply.headers["content-type"].first?.hasPrefix("application/json") == true)
            #expect(reply.text.contains(#""error":"upstream_timeout""#))
            #expect(reply.headers["x-request-id"].first?.isEmpty == false)
            // A timeout leaves the upstream in the pool; the GET was tried once on each.
            #expect(gateway.upstreams.map { $0.requestCount("/api/slow") } == [1, 1])
            #expect(try await gateway.send("/api/whoami").status == 200)
        }
    }

    @Test("with no healthy upstream the gateway answers 503 JSON and is not ready")
    func noHealthyUpstream() async throws {
        try await GatewayHarness.run { gateway in
            for upstream in gateway.upstreams { await upstream.stop() }
            let notReady = await gateway.eventually { (try? await gateway.send("/ready").status) == 503 }
            #expect(notReady)
            let reply = try await gateway.send("/api/whoami")
            #expect(reply.status == 503)
            #expect(reply.headers["content-type"].first?.hasPrefix("application/json") == true)
            #expect(reply.text.contains(#""error":"no_upstream""#))
            #expect(try await gateway.send("/health").status == 200)
        }
    }

    @Test("a POST body is passed through and the answer echoed back")
    func postEcho() async throws {
        try await GatewayHarness.run { gateway in
            let payload = String(repeating: "review text ", count: 2000)
            let reply = try await gateway.send(
                "/api/echo", method: .POST, headers: [("Content-Type", "text/plain")], body: .bytes(ByteBuffer(string: payload))
            )
            #expect(reply.status == 200)
            #expect(reply.text == payload)
        }
    }

    @Test("a body over the limit gets 413 JSON and never reaches an upstream", arguments: [true, false])
    func oversizedBody(declaredLength: Bool) async throws {
        try await GatewayHarness.run(configure: { $0.maxBodyBytes = 70_000 }) { gateway in
            let big = ByteBuffer(repeating: UInt8(ascii: "x"), count: 100_000)
            let body: HTTPClientRequest.Body = declaredLength
                ? .bytes(big)
                : .stream(AsyncStream { continuation in
                    for offset in stride(from: 0, to: big.readableBytes, by: 10_000) {
                        continuation.yield(big.getSlice(at: offset, length: 10_000)!)
                    }
                    continuation.finish()
                }, length: .unknown)
            let reply = try await gateway.send("/api/echo", method: .POST, body: body)
            #expect(reply.status == 413)
            #expect(reply.text.contains(#""error":"body_too_large""#))
            #expect(gateway.upstreams.allSatisfy { $0.requestCount("/api/echo") == 0 })
        }
    }

    @Test("an upstream's 404 for an unknown /api route is passed through unchanged")
    func upstreamNotFoundPassesThrough() async throws {
        try await GatewayHarness.run { gateway in
            let reply = try await gateway.send("/api/no/such/route")
            #expect(reply.status == 404)
            #expect(reply.headers["content-type"].first == "application/json")
            #expect(reply.text.contains(#""detail":"no route on "#))
        }
    }

    @Test("forwarding headers are added and hop-by-hop headers dropped")
    func forwardingHeaders() async throws {
        try await GatewayHarness.run { gateway in
            let reply = try await gateway.send(
                "/api/headers",
                headers: [("X-Forwarded-For", "6.6.6.6"), ("Keep-Alive", "timeout=5"), ("X-Custom", "kept"), ("X-Request-ID", "abc-123")]
            )
            let lines = Set(reply.text.split(separator: "\n").map { $0.lowercased() })
            #expect(lines.contains("x-forwarded-for: 127.0.0.1"), "a client's own X-Forwarded-For is not trusted by default")
            #expect(lines.contains("x-forwarded-proto: http"))
            #expect(lines.contains("x-request-id: abc-123"))
            #expect(lines.contains("x-custom: kept"))
            #expect(!lines.contains { $0.hasPrefix("keep-alive") })
            #expect(reply.headers["x-request-id"] == ["abc-123"])
        }
    }

    @Test("server-sent events arrive through the proxy as they are sent")
    func eventsStreamIncrementally() async throws {
        try await GatewayHarness.run { gateway in
            let response = try await gateway.client.execute(HTTPClientRequest(url: gateway.baseURL + "/api/v1/stream"), timeout: .seconds(30))
            #expect(response.headers["content-type"] == ["text/event-stream"])
            var received = ""
            var arrivals: [ContinuousClock.Instant] = []
            for try await chunk in response.body {
                received += String(buffer: chunk)
                let events = received.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }.count
                while arrivals.count < events { arrivals.append(.now) }
            }
            #expect(received.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }.count == 10)
            // The upstream sends an event every 100 ms. A buffering proxy delivers them all at once when the stream
            // ends; a streaming one delivers them spread out over about a second, however loaded the machine is.
            let spread = try #require(arrivals.last) - (try #require(arrivals.first))
            #expect(spread >= .milliseconds(500), "the ten events arrived within \(spread)")
        }
    }

    @Test("a client leaving an event stream cancels the upstream request")
    func leavingClientCancelsUpstream() async throws {
        try await GatewayHarness.run { gateway in
            let streamer = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
            let reading = Task {
                // Ten seconds of events: the upstream stops early only if the gateway cancels it.
                let response = try await streamer.execute(HTTPClientRequest(url: gateway.baseURL + "/api/v1/stream?events=100"), timeout: .seconds(30))
                for try await _ in response.body { break }
            }
            _ = try await reading.value
            #expect(await gateway.eventually { gateway.upstreams.contains { $0.activeStreams == 1 } })
            // Shutting the client down closes its connection to the gateway mid-stream.
            try await streamer.shutdown()
            // The upstream would write for ten seconds; released within five means the gateway cancelled it.
            let released = await gateway.eventually(within: 5) { gateway.upstreams.allSatisfy { $0.activeStreams == 0 } }
            #expect(released, "the upstream kept writing to a client that left")
        }
    }

    @Test("graceful shutdown ends proxied event streams instead of waiting for them")
    func shutdownEndsEventStreams() async throws {
        let streamer = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        let reader = TaskBox<Int>()
        try await GatewayHarness.run { gateway in
            reader.set(Task {
                // Ten seconds of events: it ends sooner only if the gateway ends it.
                let response = try await streamer.execute(HTTPClientRequest(url: gateway.baseURL + "/api/v1/stream?events=100"), timeout: .seconds(30))
                var text = ""
                for try await chunk in response.body { text += String(buffer: chunk) }
                return text.components(separatedBy: "data: ").count - 1
            })
            #expect(await gateway.eventually { gateway.upstreams.contains { $0.activeStreams == 1 } })
        }
        // Leaving the harness shut the gateway down gracefully while the stream was open; the upstreams are stopped
        // only after that, so a gateway that waited for the stream would have passed on all 100 events.
        let events = try await reader.value()
        try await streamer.shutdown()
        #expect(events >= 1 && events < 100, "\(events) of 100 events: shutdown waited for the stream")
    }

    @Test("graceful shutdown lets a request proxied in the pipeline finish its answer")
    func shutdownWaitsForAPipelineRequest() async throws {
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        let answer = TaskBox<String>()
        try await GatewayHarness.run { gateway in
            answer.set(Task {
                let response = try await client.execute(HTTPClientRequest(url: gateway.baseURL + "/api/slow?ms=700"), timeout: .seconds(30))
                let body = try await response.body.collect(upTo: 1024)
                return "\(response.status.code) \(String(buffer: body))"
            })
            // The request has reached an upstream (which answers 700 ms later) before the harness shuts the gateway down.
            #expect(await gateway.eventually { gateway.upstreams.map { $0.requestCount("/api/slow") }.reduce(0, +) == 1 })
        }
        // The connection had no request in progress as far as Hummingbird knew: had the gateway passed the shutdown
        // notice on at once, Hummingbird would have closed it mid-request.
        let text: String
        do { text = try await answer.value() } catch { text = "failed: \(error)" }
        try await client.shutdown()
        #expect(text == "200 slow")
    }

    /// Hands a task started inside the harness's sendable closure out of it, to be awaited after the harness ends.
    /// Unchecked Sendable: the task is behind `lock`.
    final class TaskBox<Value: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var task: Task<Value, any Error>?
        func set(_ task: Task<Value, any Error>) { lock.withLock { self.task = task } }
        func value() async throws -> Value { try await lock.withLock { task }!.value }
    }

    @Test("/metrics counts upstream answers by upstream and status")
    func upstreamRequestMetrics() async throws {
        try await GatewayHarness.run { gateway in
            for _ in 0..<4 { _ = try await gateway.send("/api/whoami") }
            _ = try await gateway.send("/api/no/such/route")
            let text = try await gateway.metricsText()
            #expect(text.contains("gateway_upstream_requests_total{"))
            #expect(text.contains(#"status="200""#))
            #expect(text.contains(#"status="404""#))
            #expect(text.contains("gateway_upstream_healthy{"))
            #expect(text.contains("gateway_rate_limited_total"))
        }
    }
}
