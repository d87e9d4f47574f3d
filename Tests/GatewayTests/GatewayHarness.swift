import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Prometheus
@testable import Gateway

/// Two live test upstreams and a live gateway in front of them, with a real HTTP client to talk to it.
struct GatewayHarness: Sendable {
    let upstreams: [TestUpstream]
    let baseURL: String
    let client: HTTPClient
    let registry: PrometheusCollectorRegistry

    /// Starts the upstreams and the gateway (configured by `configure`), runs `body`, then stops everything.
    static func run(
        staticDirectory: String = "/nonexistent",
        configure: (inout GatewayConfiguration) -> Void = { _ in },
        _ body: @Sendable (GatewayHarness) async throws -> Void
    ) async throws {
        let upstreams = [TestUpstream(name: "alpha"), TestUpstream(name: "beta")]
        for upstream in upstreams { try await upstream.start() }
        var configuration = GatewayConfiguration()
        configuration.upstreams = upstreams.map { Upstream($0.baseURL)! }
        configuration.staticDirectory = staticDirectory
        configuration.healthInterval = .milliseconds(100)
        configuration.healthTimeout = .milliseconds(500)
        configuration.logLevel = .critical
        configure(&configuration)
        let registry = PrometheusCollectorRegistry()
        let app = buildApplication(configuration, registry: registry, metricsFactory: PrometheusMetricsFactory(registry: registry))
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        do {
            try await app.test(.live) { testClient in
                let harness = GatewayHarness(
                    upstreams: upstreams, baseURL: "http://localhost:\(testClient.port!)", client: client, registry: registry
                )
                try await body(harness)
            }
        } catch {
            try await client.shutdown()
            for upstream in upstreams { await upstream.stop() }
            throw error
        }
        try await client.shutdown()
        for upstream in upstreams { await upstream.stop() }
    }

    /// A response read in full.
    struct Reply: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let body: ByteBuffer
        var text: String { String(buffer: body) }
    }

    func send(
        _ path: String, method: HTTPMethod = .GET, headers: [(String, String)] = [], body: HTTPClientRequest.Body? = nil
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = body
        // Generous: the other suites run in parallel on two cores and can starve this process for seconds.
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 22)
        return Reply(status: Int(response.status.code), headers: response.headers, body: bytes)
    }

    /// The Prometheus text the gateway's `/metrics` serves.
    func metricsText() async throws -> String {
        try await send("/metrics").text
    }

    /// Waits until `condition` holds, checking every 50 ms for up to `seconds`.
    func eventually(within seconds: Double = 5, _ condition: @Sendable () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }
}
