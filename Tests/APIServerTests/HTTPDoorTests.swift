import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Prometheus
import Testing

@testable import APIServer

/// The api-server's HTTP doors, on a live server: connection handling, head size, security headers, stream caps.
@Suite("api-server HTTP doors")
struct HTTPDoorTests {
    /// Sends `text` on a new TCP connection and reads until the server closes it (at most 10 s).
    static func untilClosed(port: Int, send text: String) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        let timer = Task {
            try await Task.sleep(for: .seconds(10))
            channel.channel.close(promise: nil)
        }
        defer { timer.cancel() }
        var received = ByteBuffer()
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: text))
            for try await chunk in inbound { received.writeImmutableBuffer(chunk) }
        }
        #expect(!timer.isCancelled)
        return String(buffer: received).lowercased()
    }

    @Test(.timeLimit(.minutes(2)))
    func theDoorsHoldOnALiveServer() async throws {
        let fixture = AccountFixture {
            $0.port = 0
            $0.maxStreamsPerClient = 1
        }
        defer { Task { await fixture.drop() } }
        let app = try await buildApplication(fixture.configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let started = ContinuousClock.now
            let closed = try await Self.untilClosed(port: port, send: "GET /api/ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(closed.hasPrefix("http/1.1 200"))
            #expect(closed.contains("connection: close"))
            #expect(ContinuousClock.now - started < .seconds(5))
            let old = try await Self.untilClosed(port: port, send: "GET /api/ping HTTP/1.0\r\n\r\n")
            #expect(old.contains("connection: close"))

            let big = String(repeating: "b", count: 17 * 1024)
            let refused = try await Self.untilClosed(port: port, send: "GET /api/ping HTTP/1.1\r\nHost: x\r\nX-Big: \(big)\r\n\r\n")
            #expect(refused.hasPrefix("http/1.1 431"))

            let headers = try await client.execute(uri: "/api/ping", method: .get)
            #expect(headers.headers[.contentSecurityPolicy]?.contains("'self'") == true)
            #expect(headers.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            #expect(headers.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            let nul = try await client.execute(uri: "/api/results/wordcount%00", method: .get)
            #expect(nul.status == .badRequest)

            let http = HTTPClient.plain
            let stream = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/stream"), timeout: .seconds(30))
            #expect(stream.status == .ok)
            let second = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/stream"), timeout: .seconds(30))
            #expect(second.status == .tooManyRequests)
            #expect(second.headers.first(name: "retry-after") == "5")
            var other = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/stream")
            other.headers.add(name: "X-Forwarded-For", value: "10.9.9.9")
            #expect(try await http.execute(other, timeout: .seconds(30)).status == .ok)
        }
    }
}
