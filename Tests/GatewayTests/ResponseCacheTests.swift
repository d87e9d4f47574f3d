import Foundation
import HTTPTypes
import NIOCore
import Testing

@testable import Gateway

@Suite("gateway micro-cache of hot GETs")
struct ResponseCacheTests {
    @Test func aCachedPathIsAskedUpstreamOncePerTTLAndAnsweredFromMemoryMeanwhile() async throws {
        try await GatewayHarness.run(configure: { $0.cacheTTL = .milliseconds(600) }) { gateway in
            let first = try await gateway.send("/api/results/tick")
            #expect(first.status == 200 && first.headers.first(name: "x-cache") == "MISS")
            for _ in 0..<5 {
                let again = try await gateway.send("/api/results/tick")
                #expect(again.text == first.text)
                #expect(again.headers.first(name: "x-cache") == "HIT")
                #expect(again.headers.first(name: "age") != nil)
            }
            let asked = gateway.upstreams.map { $0.requestCount("/api/results/tick") }.reduce(0, +)
            #expect(asked == 1)
            // Another query string is another entry (the upstream counts both under the one path).
            #expect(try await gateway.send("/api/results/tick?limit=5").headers.first(name: "x-cache") == "MISS")
            // After the TTL the next request asks upstream again (it may still be answered from the old entry while
            // that refresh is under way; the one after it sees the new answer).
            try await Task.sleep(for: .milliseconds(700))
            _ = try await gateway.send("/api/results/tick")
            let refreshed = try await gateway.eventually {
                gateway.upstreams.map { $0.requestCount("/api/results/tick") }.reduce(0, +) == 3
            }
            #expect(refreshed)
            let newer = try await gateway.send("/api/results/tick")
            #expect(newer.text != first.text)
            let metrics = try await gateway.metricsText()
            #expect(metrics.contains(#"gateway_cache_requests_total{result="hit"}"#))
        }
    }

    @Test func uncachedPathsMethodsAndNoStoreAnswersAlwaysReachAnUpstream() async throws {
        try await GatewayHarness.run(configure: { $0.cacheTTL = .seconds(60) }) { gateway in
            for _ in 0..<3 {
                #expect(try await gateway.send("/api/whoami").headers.first(name: "x-cache") == nil)
                #expect(try await gateway.send("/api/results/private").headers.first(name: "x-cache") == nil)
                let echo = try await gateway.send("/api/echo", method: .POST, body: .bytes(ByteBuffer(string: "x")))
                #expect(echo.status == 200 && echo.headers.first(name: "x-cache") == nil)
                // Not a 200: never stored.
                #expect(try await gateway.send("/api/results/missing").status == 404)
            }
            let total = { (path: String) in gateway.upstreams.map { $0.requestCount(path) }.reduce(0, +) }
            #expect(total("/api/whoami") == 3)
            #expect(total("/api/results/private") == 3)
            #expect(total("/api/echo") == 3)
            #expect(total("/api/results/missing") == 3)
        }
    }

    @Test func aZeroTTLTurnsTheCacheOff() async throws {
        try await GatewayHarness.run(configure: { $0.cacheTTL = .zero }) { gateway in
            for _ in 0..<3 {
                let reply = try await gateway.send("/api/results/tick")
                #expect(reply.headers.first(name: "x-cache") == nil)
            }
            #expect(gateway.upstreams.map { $0.requestCount("/api/results/tick") }.reduce(0, +) == 3)
        }
    }

    @Test func anExpiredEntryIsRefreshedByOneRequestWhileOthersGetTheOldAnswer() {
        let cache = ResponseCache(ttl: .milliseconds(100), pathPrefixes: ["/api/results/"], staleFor: .seconds(1))
        #expect(cache.key(method: .get, path: "/api/results/wordcount", uri: "/api/results/wordcount?limit=5") == "/api/results/wordcount?limit=5")
        #expect(cache.key(method: .post, path: "/api/results/wordcount", uri: "/api/results/wordcount") == nil)
        #expect(cache.key(method: .get, path: "/api/v1/reviews/1", uri: "/api/v1/reviews/1") == nil)
        let start = ContinuousClock.now
        guard case .miss = cache.lookup("k", now: start) else { Issue.record("empty cache hit"); return }
        cache.store("k", status: .ok, headers: [.contentLength: "1"], body: ByteBuffer(string: "a"), now: start)
        guard case .hit = cache.lookup("k", now: start + .milliseconds(50)) else { Issue.record("fresh entry missed"); return }
        // Expired: the first lookup refreshes, the next ones still get the stored answer until it is replaced.
        guard case .miss = cache.lookup("k", now: start + .milliseconds(150)) else { Issue.record("expired entry not refreshed"); return }
        guard case .hit = cache.lookup("k", now: start + .milliseconds(160)) else { Issue.record("stale entry not served"); return }
        // The refresh failed: the next request tries again.
        cache.abandon("k")
        guard case .miss = cache.lookup("k", now: start + .milliseconds(170)) else { Issue.record("abandoned refresh not retried"); return }
        // Long past its time an entry is not served at all.
        guard case .miss = cache.lookup("k", now: start + .seconds(5)) else { Issue.record("very old entry served"); return }
        guard case .miss = cache.lookup("k", now: start + .seconds(5)) else { Issue.record("very old entry served"); return }

        #expect(cache.isCacheable(status: 200, headers: [.contentLength: "10", .contentType: "application/json"]))
        #expect(!cache.isCacheable(status: 404, headers: [.contentLength: "10"]))
        #expect(!cache.isCacheable(status: 200, headers: [:]), "no length: streamed, not stored")
        #expect(!cache.isCacheable(status: 200, headers: [.contentLength: "10", .cacheControl: "no-store"]))
        #expect(!cache.isCacheable(status: 200, headers: [.contentLength: "10", .vary: "Accept-Encoding"]))
        #expect(!cache.isCacheable(status: 200, headers: [.contentLength: "10", .contentType: "text/event-stream"]))
        #expect(!cache.isCacheable(status: 200, headers: [.contentLength: "\(2 << 20)"]))
    }
}
