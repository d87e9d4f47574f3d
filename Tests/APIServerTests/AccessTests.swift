import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Kafka
import Mongo
import Prometheus
import ReviewContracts
import Testing

@testable import APIServer

/// Who may do what: reviews with and without a session, cookie writes from other sites, the firehose, CORS.
@Suite("access control")
struct AccessTests {
    static let review = #"{"reviewText": "Soft and warm, true to size", "overall": 5}"#

    @Test(.timeLimit(.minutes(2)))
    func withoutAnonymousReviewsAPostNeedsATokenAndCarriesItsAuthorsID() async throws {
        let fixture = AccountFixture { $0.anonymousReviews = false }
        defer { Task { await fixture.drop() } }
        try await fixture.addUser("Ivy", password: "correct horse battery")
        let app = try await buildApplication(fixture.configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            for path in ["/api/v1/reviews", "/api/documents/text"] {
                let anonymous = try await client.postJSON(path, Self.review)
                #expect(anonymous.status == .unauthorized)
                #expect(json(anonymous)["error"] as? String == "unauthorized")
            }
            #expect(try await TestStack.messageCount(topic: fixture.topic) == 0)
            let token = try await client.login("ivy", "correct horse battery").token
            let accepted = try await client.postJSON("/api/v1/reviews", Self.review, headers: bearer(token))
            #expect(accepted.status == .accepted)
        }
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(bootstrapServers: TestStack.kafkaBrokers, groupID: TestStack.unique("g")),
            topics: [fixture.topic], logger: TestStack.logger
        )
        var received: [KafkaConsumerMessage] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while received.isEmpty, ContinuousClock.now < deadline {
            received += try await consumer.poll(maxMessages: 10, timeout: .milliseconds(500))
        }
        await consumer.close()
        let value = try JSONSerialization.jsonObject(with: Data(try #require(received.first).value)) as? [String: Any]
        #expect(value?["userId"] as? String == "ivy")
    }

    @Test func anAnonymousReviewCarriesNoUserID() async throws {
        let message = try ReviewValidator().message(from: Array(Self.review.utf8), fallbackID: "x").get()
        #expect(message.userId == nil)
        let tagged = ReviewMessage(id: "r", reviewText: "fine", overall: 4, userId: "ivy")
        #expect(try ReviewValidator().message(from: tagged.encoded(), fallbackID: "x").get().userId == "ivy")
    }

    @Test func aCookieAuthenticatedWriteFromAnotherSiteIsRefused() async throws {
        let fixture = AccountFixture()
        defer { Task { await fixture.drop() } }
        try await fixture.addUser("jack", password: "correct horse battery")
        let app = try await buildApplication(fixture.configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let session = try await client.login("jack", "correct horse battery")
            let host = HTTPField.Name("X-Forwarded-Host")!
            let forged = try await client.postJSON("/api/v1/reviews", Self.review,
                                                   headers: [.cookie: session.cookie, .origin: "https://evil.example", host: "localhost:8080"])
            #expect(forged.status == .forbidden)
            #expect(json(forged)["error"] as? String == "cross_origin")
            let crossSite = try await client.postJSON("/api/v1/reviews", Self.review,
                                                      headers: [.cookie: session.cookie, HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            #expect(crossSite.status == .forbidden)
            let logout = try await client.execute(uri: "/api/v1/logout", method: .post, headers: [.cookie: session.cookie, .origin: "https://evil.example"])
            #expect(logout.status == .forbidden)
            #expect(try await TestStack.messageCount(topic: fixture.topic) == 0)

            let own = try await client.postJSON("/api/v1/reviews", Self.review,
                                                headers: [.cookie: session.cookie, .origin: "http://localhost:8080", host: "localhost:8080"])
            #expect(own.status == .accepted)
            // A bearer token is not sent by browsers on their own, so its origin does not matter.
            let script = try await client.postJSON("/api/v1/reviews", Self.review, headers: [.authorization: "Bearer \(session.token)", .origin: "https://evil.example"])
            #expect(script.status == .accepted)
        }
    }

    @Test func theUnpacedFirehoseIsForAdminsOnly() async throws {
        let fixture = AccountFixture()
        defer { Task { await fixture.drop() } }
        try await fixture.addUser("kate", password: "correct horse battery")
        let app = try await buildApplication(fixture.configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let anonymous = try await client.execute(uri: "/api/v1/stream?interval=0", method: .get)
            #expect(anonymous.status == .unauthorized)
            let token = try await client.login("kate", "correct horse battery").token
            let user = try await client.execute(uri: "/api/v1/stream?interval=0&predictions=100", method: .get, headers: bearer(token))
            #expect(user.status == .forbidden)
            #expect(json(user)["error"] as? String == "forbidden")
        }
    }

    @Test func corsAnswersOnlyTheListedOrigins() async throws {
        let closed = AccountFixture()
        let app = try await buildApplication(closed.configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/api/ping", method: .get, headers: [.origin: "https://elsewhere.example"])
            #expect(response.status == .ok)
            #expect(response.headers[.accessControlAllowOrigin] == nil)
        }
        let open = AccountFixture { $0.corsOrigins = ["https://admin.example"] }
        let opened = try await buildApplication(open.configuration, registry: PrometheusCollectorRegistry())
        try await opened.test(.router) { client in
            let listed = try await client.execute(uri: "/api/ping", method: .get, headers: [.origin: "https://admin.example"])
            #expect(listed.headers[.accessControlAllowOrigin] == "https://admin.example")
            let preflight = try await client.execute(uri: "/api/v1/reviews", method: .options,
                                                     headers: [.origin: "https://admin.example", .accessControlRequestMethod: "POST"])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowMethods]?.contains("POST") == true)
            let other = try await client.execute(uri: "/api/ping", method: .get, headers: [.origin: "https://elsewhere.example"])
            #expect(other.headers[.accessControlAllowOrigin] == nil)
        }
    }
}
