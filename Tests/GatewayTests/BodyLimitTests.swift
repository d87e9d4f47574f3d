import ReviewContracts
import Testing

@testable import Gateway

@Suite("gateway body limit")
struct BodyLimitTests {
    /// A review the api-server takes must pass the gateway: its default body limit is at least the api-server's.
    @Test func theDefaultAdmitsTheLargestReviewTheAPIServerTakes() {
        #expect(GatewayConfiguration().maxBodyBytes >= ReviewLimits.maxBodyBytes)
    }
}
