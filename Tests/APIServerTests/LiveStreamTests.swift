import AsyncHTTPClient
import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import Mongo
import NIOCore
import Prometheus
import ReviewContracts
import Testing

@testable import APIServer

/// `/api/v1/stream` pushes what the processor commits, driven by a change stream, and hot GETs are served from the cache.
@Suite("live results over Server-Sent Events")
struct LiveStreamTests {
    @Test(.timeLimit(.minutes(2)))
    func aCommittedBatchReachesAnOpenStreamAndTheCachedGets() async throws {
        let databaseName = TestStack.unique("live")
        var configuration = APIServerConfiguration()
        configuration.kafkaBrokers = TestStack.kafkaBrokers
        configuration.mongoURI = TestStack.mongoURI
        configuration.mongoDatabase = databaseName
        configuration.reviewsTopic = TestStack.unique("reviews")
        configuration.port = 0
        let database = try MongoClient(uri: TestStack.mongoURI).database(databaseName)
        // The unpaced stream (interval=0) is for admins.
        let adminPassword = "live stream admin"
        try await UserStore(database: database).create(User(username: "live-admin", role: .admin, passwordHash: try await PasswordHasher(cost: 12).hash(adminPassword)))
        let app = try await buildApplication(configuration, registry: PrometheusCollectorRegistry())

        try await app.test(.live) { client in
            let token = try await client.login("live-admin", adminPassword).token
            let port = try #require(client.port)
            let http = HTTPClient.plain
            let response = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/stream"), timeout: .seconds(30))
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "content-type") == "text/event-stream")
            #expect(response.headers.first(name: "content-encoding") == nil)
            // A browser asks for gzip and gets it; every push is flushed, so it decompresses as it arrives.
            var gzipRequest = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/stream?interval=0")
            gzipRequest.headers.add(name: "accept-encoding", value: "gzip, deflate")
            gzipRequest.headers.add(name: "authorization", value: "Bearer \(token)")
            let gzipped = try await http.execute(gzipRequest, timeout: .seconds(30))
            #expect(gzipped.headers.first(name: "content-encoding") == "gzip")
            let bad = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/stream?interval=soon"), timeout: .seconds(10))
            #expect(bad.status == .badRequest)
            #expect(String(buffer: try await bad.body.collect(upTo: 4096)).contains("invalid_interval"))

            // What a processor's transaction writes for one batch.
            try await Task.sleep(for: .milliseconds(500))
            try await database.withTransaction { session in
                try await database.collection("wordcount").insertOne(["_id": "zqmarker", "count": 4], session: session)
                try await database.collection("sentiment").insertOne([
                    "_id": "r1", "review": "zqmarker is lovely", "expected": "pos", "result": "pos", "probability": 0.9, "seq": 1,
                ], session: session)
                try await database.collection("accuracy").insertOne(["_id": 1, "value": 1.0, "correct": 1], session: session)
                try await database.collection("products").insertOne(
                    Product(id: "zqprod", name: "Zq linen dress", reviews: 1, ratingSum: 5, ratings: ["5": 1], positive: 1, correct: 1), session: session)
                try await database.collection("totals").updateOne(
                    filter: ["_id": "reviews"], update: ["$inc": ["count": 1, "correct": 1, "batches": 1]], upsert: true, session: session
                )
                // The batch's record, which the api-server follows.
                try await database.collection("batches").insertOne([
                    "_id": 1, "totals": ["_id": "reviews", "count": 1, "correct": 1, "batches": 1],
                    "words": ["zqmarker"], "counts": [4],
                    "predictions": [["_id": "r1", "review": "zqmarker is lovely", "expected": "pos", "result": "pos", "probability": 0.9, "seq": 1]],
                    "accuracy": ["_id": 1, "value": 1.0, "correct": 1],
                ], session: session)
            }

            var received = ""
            let deadline = ContinuousClock.now + .seconds(20)
            for try await chunk in response.body {
                received += String(buffer: chunk)
                if received.contains("event: predictions") && received.contains("zqmarker") && received.contains("event: accuracy")
                    && received.contains("zqprod") || ContinuousClock.now > deadline { break }
            }
            // The top products follow the batch within the products interval (5 s), read once for every stream.
            #expect(received.contains("event: products"))
            let products = try #require(received.components(separatedBy: "event: products\ndata: ").last?.split(separator: "\n").first)
            let top = try #require(try JSONSerialization.jsonObject(with: Data(products.utf8)) as? [String: Any])
            #expect((top["byReviews"] as? [[String: Any]])?.first?["id"] as? String == "zqprod" && top["total"] as? Int == 1)
            #expect((top["byRating"] as? [[String: Any]])?.isEmpty == true, "rating ranks products with 5 reviews or more")
            #expect(received.contains("event: words"))
            #expect(received.contains(#""value":"zqmarker""#))
            #expect(received.contains("event: predictions"))
            #expect(received.contains("event: accuracy"))

            let inflater = CompressionAlgorithm.gzip().decompressor
            try inflater.startStream()
            var inflated = ""
            for try await var chunk in gzipped.body {
                var plain = try chunk.decompressStream(with: inflater)
                inflated += plain.readString(length: plain.readableBytes) ?? ""
                if inflated.contains("zqmarker") && inflated.contains("event: accuracy") || ContinuousClock.now > deadline { break }
            }
            #expect(inflated.contains("event: predictions") && inflated.contains("zqmarker is lovely"), "\(inflated)")
            #expect(inflated.contains("event: accuracy"))

            let words = try await client.execute(uri: "/api/results/wordcount", method: .get)
            #expect(String(buffer: words.body).contains(#""value":"zqmarker""#))
            let summary = try await client.execute(uri: "/api/v1/summary", method: .get)
            #expect(String(buffer: summary.body).contains(#""reviews":1"#))
        }
        try? await database.drop()
    }
}
