import Testing
@testable import Gateway

@Suite("Per-client rate limiting")
struct RateLimitTests {
    @Test("a burst beyond the bucket gets 429 JSON with Retry-After; operational routes are never limited")
    func burstIsLimited() async throws {
        try await GatewayHarness.run(configure: { $0.rateLimit = 1; $0.burst = 10 }) { gateway in
            let start = ContinuousClock.now
            var statuses: [Int] = []
            var retryAfter: [String] = []
            for _ in 0..<30 {
                let reply = try await gateway.send("/api/whoami")
                statuses.append(reply.status)
                if reply.status == 429 {
                    retryAfter += reply.headers["retry-after"]
                    #expect(reply.text.contains(#""error":"rate_limited""#))
                }
            }
            let elapsed = ContinuousClock.now - start
            // The bucket admits its burst at once and one more request per second after that, however slowly the
            // loaded machine sends the 30 requests.
            let refilled = Int((Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18).rounded(.up))
            let allowed = statuses.filter { $0 == 200 }.count
            #expect((10...(10 + refilled)).contains(allowed), "\(statuses) in \(elapsed)")
            #expect(allowed < 30, "nothing was limited")
            #expect(statuses.filter { $0 == 429 }.count == 30 - allowed)
            #expect(!retryAfter.isEmpty && retryAfter.allSatisfy { Int($0).map { $0 >= 1 } ?? false })
            for path in ["/health", "/ready", "/metrics"] {
                #expect(try await gateway.send(path).status == 200, "\(path) was limited")
            }
            #expect(try await gateway.metricsText().contains("gateway_rate_limited_total \(30 - allowed)"))
        }
    }

    @Test("a bucket refills at the configured rate")
    func bucketRefills() {
        let limiter = ClientRateLimiter(rate: 2, burst: 3)
        #expect((0..<3).allSatisfy { _ in limiter.admit("a", now: 100) == .allowed })
        #expect(limiter.admit("a", now: 100) == .limited(retryAfter: 1))
        #expect(limiter.admit("b", now: 100) == .allowed, "clients have separate buckets")
        #expect(limiter.admit("a", now: 100.5) == .allowed)
        #expect(limiter.admit("a", now: 100.5) == .limited(retryAfter: 1))
    }

    @Test("Retry-After covers the wait for the next token at slow rates")
    func retryAfterAtSlowRate() {
        let limiter = ClientRateLimiter(rate: 0.25, burst: 1)
        #expect(limiter.admit("a", now: 0) == .allowed)
        #expect(limiter.admit("a", now: 0) == .limited(retryAfter: 4))
    }

    @Test("idle clients are forgotten and the number tracked stays bounded")
    func memoryStaysBounded() {
        let limiter = ClientRateLimiter(rate: 10, burst: 10, maxClients: 1000, sweepInterval: 1)
        for client in 0..<5000 {
            _ = limiter.admit("10.0.\(client / 256).\(client % 256)", now: 0)
        }
        #expect(limiter.trackedClients <= 1000)
        // One second later every bucket has refilled, so the next sweep drops them all but the newcomer.
        _ = limiter.admit("new", now: 2)
        #expect(limiter.trackedClients == 1)
    }
}
