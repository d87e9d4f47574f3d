import AsyncHTTPClient
import Foundation
import Testing
@testable import Gateway

@Suite("the gateway's metrics port")
struct MetricsPortTests {
    @Test func metricsAreServedOnTheirOwnPortAndNotOnThePublicOne() async throws {
        let metricsPort = Int.random(in: 30000...39999)
        try await GatewayHarness.run(configure: { $0.metricsPort = metricsPort }) { gateway in
            // Some traffic, so the gateway has counted something.
            _ = try await gateway.send("/api/results/wordcount")
            let publicAnswer = try await gateway.send("/metrics")
            #expect(!publicAnswer.text.contains("gateway_upstream_requests_total"))
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(metricsPort)/metrics")
            request.method = .GET
            let response = try await gateway.client.execute(request, timeout: .seconds(10))
            let text = String(buffer: try await response.body.collect(upTo: 1 << 22))
            #expect(response.status.code == 200)
            #expect(text.contains("gateway_upstream_requests_total"))
        }
    }
}
