import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import Gateway

/// The cache hits answered in the connection's pipeline (``FastPathHandler``) against those answered by the router
/// (`cacheFastPath = false`). In these tests only the pipeline records into the test registry's `hb_requests` (the
/// router's `MetricsMiddleware` records into the process-wide metrics system), which tells the two paths apart.
@Suite("gateway: cache hits answered in the pipeline")
struct CachedGETHandlerTests {
    static let hitsCounted = #"hb_requests{http_route="/api/**",http_request_method="GET",http_response_status_code="200"}"#

    @Test func aHitGetsTheSameAnswerAsFromTheRouterAndIsCounted() async throws {
        let answers = Answers()
        for fastPath in [true, false] {
            try await GatewayHarness.run(configure: { $0.cacheTTL = .seconds(60); $0.cacheFastPath = fastPath }) { gateway in
                let first = try await gateway.send("/api/results/tick")
                #expect(first.headers.first(name: "x-cache") == "MISS")
                var hit = try await gateway.send("/api/results/tick", headers: [("X-Request-ID", "given-id-1")])
                #expect(hit.headers.first(name: "x-request-id") == "given-id-1")
                for _ in 0..<4 { hit = try await gateway.send("/api/results/tick") }
                #expect(hit.status == 200 && hit.text == first.text)
                #expect(gateway.upstreams.map { $0.requestCount("/api/results/tick") }.reduce(0, +) == 1)
                let metrics = try await gateway.metricsText()
                #expect(metrics.contains(#"gateway_cache_requests_total{result="hit"} 5"#))
                if fastPath {
                    #expect(metrics.contains(Self.hitsCounted + " 5"), "\(metrics)")
                    #expect(metrics.contains(#"http_server_request_duration_count{http_route="/api/**""#))
                } else {
                    #expect(!metrics.contains("hb_requests"))
                }
                answers.set(fastPath, hit)
            }
        }
        let fast = try #require(answers.get(true)), routed = try #require(answers.get(false))
        #expect(fast.text == routed.text)
        let names = { (reply: GatewayHarness.Reply) in Set(reply.headers.map { $0.name.lowercased() }) }
        #expect(names(fast) == names(routed))
        for name in ["x-cache", "x-request-id", "age", "date", "server", "content-type", "content-length"] {
            #expect(names(fast).contains(name), "\(name) missing from \(names(fast))")
        }
        #expect(fast.headers.first(name: "server") == routed.headers.first(name: "server"))
        #expect(fast.headers.first(name: "x-request-id") != routed.headers.first(name: "x-request-id"))
    }

    @Test func hitsCountAgainstTheClientsRateLimit() async throws {
        try await GatewayHarness.run(configure: { $0.cacheTTL = .seconds(60); $0.rateLimit = 0.5; $0.burst = 4 }) { gateway in
            var statuses: [Int] = []
            for _ in 0..<8 { statuses.append(try await gateway.send("/api/results/tick").status) }
            #expect(statuses.prefix(4).allSatisfy { $0 == 200 }, "\(statuses)")
            #expect(statuses.suffix(4).allSatisfy { $0 == 429 }, "\(statuses)")
            let limited = try await gateway.send("/api/results/tick")
            #expect(limited.status == 429)
            #expect(limited.headers.first(name: "retry-after").flatMap(Int.init).map { $0 >= 1 } == true)
            #expect(limited.headers.first(name: "content-type")?.hasPrefix("application/json") == true)
            let error = try JSONSerialization.jsonObject(with: Data(limited.text.utf8)) as? [String: String]
            #expect(error?["error"] == "rate_limited")
            #expect(gateway.upstreams.map { $0.requestCount("/api/results/tick") }.reduce(0, +) == 1)
            let metrics = try await gateway.metricsText()
            #expect(metrics.contains("gateway_rate_limited_total 5"), "\(metrics)")
            #expect(metrics.contains(#"http_response_status_code="429"} 5"#))
        }
    }

    /// Behind a slow request proxied in the pipeline (`proxyFastPath`), the requests that came with it wait until its
    /// answer has ended, then are taken in the pipeline too; behind one the router answers, they all go to the router.
    @Test(arguments: [true, false])
    func pipelinedRequestsAreAnsweredInOrderBehindASlowOne(proxyFastPath: Bool) async throws {
        try await GatewayHarness.run(configure: { $0.cacheTTL = .seconds(60); $0.proxyFastPath = proxyFastPath }) { gateway in
            let cached = try await gateway.send("/api/results/tick")
            let port = try #require(URL(string: gateway.baseURL)?.port)
            let get = { (path: String) in "GET \(path) HTTP/1.1\r\nHost: localhost\r\n\r\n" }
            let replies = try await RawHTTP.exchange(
                port: port,
                send: get("/api/results/tick") + get("/api/slow?ms=300") + get("/api/results/tick") + get("/api/whoami")
                    + get("/api/results/tick"),
                responses: 5
            )
            #expect(replies.map(\.body) == [cached.text, "slow", cached.text, replies[3].body, cached.text])
            #expect(["alpha", "beta"].contains(replies[3].body))
            #expect(replies.map { $0.headers["x-cache"] } == ["HIT", nil, "HIT", nil, "HIT"])
            // Proxied in the pipeline, all five are counted there (three hits, the slow one and whoami); otherwise only
            // the first, and the rest waited behind the slow request in the router.
            #expect(try await gateway.metricsText().contains(Self.hitsCounted + (proxyFastPath ? " 5" : " 1")))
        }
    }

    @Test func connectionCloseIsHonouredOnAHit() async throws {
        try await GatewayHarness.run(configure: { $0.cacheTTL = .seconds(60) }) { gateway in
            _ = try await gateway.send("/api/results/tick")
            let port = try #require(URL(string: gateway.baseURL)?.port)
            // `exchange` reads until the gateway closes the connection; it would time out if it did not.
            let replies = try await RawHTTP.exchange(
                port: port,
                send: "GET /api/results/tick HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                responses: nil
            )
            #expect(replies.count == 1)
            #expect(replies.first?.headers["x-cache"] == "HIT")
        }
    }
}

/// The last hit seen with the pipeline on and off.
/// Unchecked Sendable: the replies are behind `lock`.
private final class Answers: @unchecked Sendable {
    private let lock = NSLock()
    private var replies: [Bool: GatewayHarness.Reply] = [:]
    func set(_ fastPath: Bool, _ reply: GatewayHarness.Reply) { lock.withLock { replies[fastPath] = reply } }
    func get(_ fastPath: Bool) -> GatewayHarness.Reply? { lock.withLock { replies[fastPath] } }
}

/// HTTP/1.1 over a plain TCP connection, for what a client library does not do: pipelining, and reading until the
/// server closes.
enum RawHTTP {
    struct Reply {
        let status: Int
        /// Lower-cased names.
        let headers: [String: String]
        let body: String
    }

    struct Timeout: Error {}

    /// Sends `text` at once and reads `responses` answers (nil: until the server closes the connection), for at most
    /// 10 seconds.
    static func exchange(port: Int, send text: String, responses: Int?) async throws -> [Reply] {
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
        var replies: [Reply] = []
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: text))
            for try await chunk in inbound {
                received.writeImmutableBuffer(chunk)
                replies = parse(received)
                if let responses, replies.count >= responses { return }
            }
        }
        if let responses, replies.count < responses { throw Timeout() }
        return replies
    }

    /// The complete responses at the start of `buffer` (each with a `Content-Length`).
    static func parse(_ buffer: ByteBuffer) -> [Reply] {
        var bytes = Array(buffer.readableBytesView)[...]
        var replies: [Reply] = []
        let separator = Array("\r\n\r\n".utf8)
        while let end = bytes.firstRange(of: separator) {
            let lines = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
            let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let length = headers["content-length"].flatMap(Int.init) ?? 0
            guard bytes.count - (end.upperBound - bytes.startIndex) >= length else { break }
            let body = bytes[end.upperBound..<(end.upperBound + length)]
            replies.append(Reply(status: status, headers: headers, body: String(decoding: body, as: UTF8.self)))
            bytes = bytes[(end.upperBound + length)...]
        }
        return replies
    }
}
