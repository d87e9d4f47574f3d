import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@testable import Gateway

/// The gateway's HTTP doors: connection handling, head size, security headers, NUL paths, stream caps, cache keys.
@Suite("gateway HTTP doors")
struct HTTPDoorTests {
    func port(_ gateway: GatewayHarness) throws -> Int { try #require(URL(string: gateway.baseURL)?.port) }

    @Test func connectionCloseIsSaidAndDoneOnProxiedRequests() async throws {
        try await GatewayHarness.run { gateway in
            // `exchange` with nil reads until the server closes; it throws after 10 s if it never does.
            for request in [
                "GET /api/whoami HTTP/1.1\r\nHost: localhost\r\nConnection: Close\r\n\r\n",
                "GET /api/whoami HTTP/1.0\r\nHost: localhost\r\n\r\n",
                "POST /api/echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello",
            ] {
                let replies = try await RawHTTP.exchange(port: try port(gateway), send: request, responses: nil)
                #expect(replies.count == 1)
                #expect(replies.first?.status == 200)
                #expect(replies.first?.headers["connection"]?.lowercased() == "close", "\(request)")
            }
            // A keep-alive request leaves the connection open for the next one.
            let get = "GET /api/whoami HTTP/1.1\r\nHost: localhost\r\n\r\n"
            let kept = try await RawHTTP.exchange(port: try port(gateway), send: get + get, responses: 2)
            #expect(kept.count == 2)
            #expect(kept.allSatisfy { $0.headers["connection"] == nil })
        }
    }

    @Test func aHeadOver16KiBGets431() async throws {
        try await GatewayHarness.run { gateway in
            let big = String(repeating: "a", count: 17 * 1024)
            let replies = try await RawHTTP.exchange(
                port: try port(gateway), send: "GET /api/whoami HTTP/1.1\r\nHost: localhost\r\nX-Big: \(big)\r\n\r\n", responses: nil)
            #expect(replies.first?.status == 431)
            #expect(replies.first?.body.contains("request_header_fields_too_large") == true)
            // Just under the limit is fine.
            let fits = try await gateway.send("/api/whoami", headers: [("X-Big", String(repeating: "a", count: 15 * 1024))])
            #expect(fits.status == 200)
        }
    }

    @Test func responsesCarryTheSecurityHeadersAndANULPathIsRefused() async throws {
        try await GatewayHarness.run { gateway in
            for path in ["/api/whoami", "/api/nothing", "/health", "/some/page"] {
                let reply = try await gateway.send(path)
                #expect(reply.headers.first(name: "content-security-policy")?.contains("default-src 'self'") == true, "\(path)")
                #expect(reply.headers.first(name: "x-content-type-options") == "nosniff")
                #expect(reply.headers.first(name: "x-frame-options") == "DENY")
                #expect(reply.headers.first(name: "referrer-policy") != nil)
            }
            for path in ["/index.html%00.png", "/api/who%00ami"] {
                let reply = try await gateway.send(path)
                #expect(reply.status == 400, "\(path)")
                #expect(reply.text.contains("invalid_path"))
            }
        }
    }

    @Test func eventStreamsAreCappedPerClientAndInAll() async throws {
        try await GatewayHarness.run(configure: {
            $0.maxStreamsPerClient = 2
            $0.maxStreams = 3
            $0.trustForwardedFor = true
        }) { gateway in
            @Sendable func open(_ client: String) async throws -> HTTPClientResponse {
                var request = HTTPClientRequest(url: gateway.baseURL + "/api/v1/stream?events=30")
                request.headers.add(name: "X-Forwarded-For", value: client)
                return try await gateway.client.execute(request, timeout: .seconds(30))
            }
            let first = try await open("10.0.0.1")
            let second = try await open("10.0.0.1")
            #expect(first.status == .ok && second.status == .ok)
            let third = try await open("10.0.0.1")
            #expect(third.status == .tooManyRequests)
            #expect(third.headers.first(name: "retry-after") != nil)
            #expect(String(buffer: try await third.body.collect(upTo: 4096)).contains("too_many_streams"))
            let other = try await open("10.0.0.2")
            #expect(other.status == .ok)
            // Three open in all: a fourth client is refused too.
            #expect(try await open("10.0.0.3").status == .tooManyRequests)
            // Closing one gives its slot back.
            _ = try await first.body.collect(upTo: 1 << 20)
            #expect(try await gateway.eventually { try await open("10.0.0.3").status == .ok })
            _ = second
        }
    }

    @Test func unknownQueryParametersDoNotBypassTheCache() async throws {
        try await GatewayHarness.run(configure: { $0.cacheTTL = .seconds(60) }) { gateway in
            let first = try await gateway.send("/api/results/tick?limit=5&x=1")
            #expect(first.headers.first(name: "x-cache") == "MISS")
            for query in ["?x=2&limit=5", "?limit=5&cachebust=\(UUID())", "?limit=5"] {
                let reply = try await gateway.send("/api/results/tick" + query)
                #expect(reply.headers.first(name: "x-cache") == "HIT", "\(query)")
                #expect(reply.text == first.text)
            }
            // A known parameter with another value is another entry.
            #expect(try await gateway.send("/api/results/tick?limit=6").headers.first(name: "x-cache") == "MISS")
            #expect(gateway.upstreams.map { $0.requestCount("/api/results/tick") }.reduce(0, +) == 2)
        }
    }
}
