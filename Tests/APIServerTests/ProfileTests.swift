import Foundation
import Hummingbird
import HummingbirdTesting
import Mongo
import Prometheus
import ReviewContracts
import Testing

@testable import APIServer

/// `GET /api/v1/me/reviews` over stored predictions, as the processor writes them with the author's id.
@Suite("profile")
struct ProfileTests {
    @Test func aUserSeesTheirOwnReviewsNewestFirstWithWhetherThePredictionWasRight() async throws {
        let fixture = AccountFixture()
        defer { Task { await fixture.drop() } }
        try await fixture.addUser("nina", password: "correct horse battery")
        let sentiment = try fixture.database.collection(ResultCollections.sentiment)
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        try await sentiment.insertMany([
            ["_id": "a", "review": "loved it", "expected": "pos", "result": "pos", "score": 5, "probability": 0.9, "userId": "nina", "processedAt": .date(base)],
            ["_id": "b", "review": "meh", "expected": "neg", "result": "pos", "score": 2, "probability": 0.6, "userId": "nina", "processedAt": .date(base.addingTimeInterval(60))],
            ["_id": "c", "review": "someone else's", "expected": "pos", "result": "pos", "score": 5, "userId": "other", "processedAt": .date(base.addingTimeInterval(120))],
            ["_id": "d", "review": "anonymous", "expected": "pos", "result": "pos", "score": 5, "processedAt": .date(base.addingTimeInterval(180))],
        ])
        let app = try await buildApplication(fixture.configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            #expect(try await client.execute(uri: "/api/v1/me/reviews", method: .get).status == .unauthorized)
            let token = try await client.login("nina", "correct horse battery").token
            let response = try await client.execute(uri: "/api/v1/me/reviews", method: .get, headers: bearer(token))
            #expect(response.status == .ok)
            let reviews = try #require(json(response)["reviews"] as? [[String: Any]])
            #expect(reviews.map { $0["id"] as? String } == ["b", "a"])
            #expect(reviews.map { $0["correct"] as? Bool } == [false, true])
            #expect(reviews.first?["result"] as? String == "pos")
            let paged = try await client.execute(uri: "/api/v1/me/reviews?limit=1&skip=1", method: .get, headers: bearer(token))
            #expect((json(paged)["reviews"] as? [[String: Any]])?.map { $0["id"] as? String } == ["a"])
            for bad in ["limit=0", "limit=101", "skip=-1", "limit=all"] {
                let rejected = try await client.execute(uri: "/api/v1/me/reviews?\(bad)", method: .get, headers: bearer(token))
                #expect(rejected.status == .badRequest)
            }
        }
    }
}
