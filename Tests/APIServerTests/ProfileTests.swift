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

    @Test func recommendationsSumTheSimilarProductsOfLikedOnesAndFillWithPopularOnes() async throws {
        let fixture = AccountFixture()
        defer { Task { await fixture.drop() } }
        try await fixture.addUser("olga", password: "correct horse battery")
        let database = try fixture.database
        try await database.collection(ResultCollections.sentiment).insertMany([
            ["_id": "r1", "review": "love", "expected": "pos", "result": "pos", "score": 5, "itemId": "p1", "userId": "olga"],
            ["_id": "r2", "review": "meh", "expected": "neg", "result": "neg", "score": 2, "itemId": "p2", "userId": "olga"],
            ["_id": "r3", "review": "nice", "expected": "pos", "result": "pos", "score": 4, "itemId": "p3", "userId": "olga"],
        ])
        let similar = database.collection(ProductCollections.similar)
        try await similar.insertOne(SimilarProducts(id: "p1", similar: [.init(id: "p2", score: 0.9), .init(id: "p4", score: 0.5), .init(id: "p5", score: 0.3)], computedAt: Date()))
        try await similar.insertOne(SimilarProducts(id: "p3", similar: [.init(id: "p4", score: 0.4), .init(id: "p6", score: 0.2)], computedAt: Date()))
        // p2 was disliked, so its neighbours do not count.
        try await similar.insertOne(SimilarProducts(id: "p2", similar: [.init(id: "p9", score: 1)], computedAt: Date()))
        let products = database.collection(ProductCollections.products)
        for (id, reviews, sum) in [("p4", 6, 24.0), ("p5", 6, 20.0), ("p6", 6, 18.0), ("p7", 10, 48.0), ("p8", 10, 30.0), ("p1", 20, 100.0)] {
            try await products.insertOne(Product(id: id, name: "Product \(id)", reviews: reviews, ratingSum: sum))
        }
        let app = try await buildApplication(fixture.configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            #expect(try await client.execute(uri: "/api/v1/me/recommendations", method: .get).status == .unauthorized)
            let token = try await client.login("olga", "correct horse battery").token
            let response = try await client.execute(uri: "/api/v1/me/recommendations", method: .get, headers: bearer(token))
            #expect(response.status == .ok)
            let picks = try #require(json(response)["recommendations"] as? [[String: Any]])
            // p4 (0.5 + 0.4), p5, p6 from the liked p1 and p3; then the best-rated popular one not reviewed: p7 (4.8),
            // not p1 (5.0, reviewed).
            #expect(picks.map { $0["id"] as? String } == ["p4", "p5", "p6", "p7"])
            #expect(picks.map { $0["reason"] as? String } == ["similar", "similar", "similar", "popular"])
            #expect(abs((picks.first?["score"] as? Double ?? 0) - 0.9) < 1e-9)
            #expect(picks.first?["name"] as? String == "Product p4")
        }
    }
}
