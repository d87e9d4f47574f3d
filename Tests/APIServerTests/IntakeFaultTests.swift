import Foundation
import Hummingbird
import HummingbirdTesting
import Kafka
import Mongo
import Prometheus
import Testing

@testable import APIServer

/// Intake that a careful client can retry, and that needs only the broker.
@Suite("intake: idempotency keys and readiness")
struct IntakeFaultTests {
    let base = APIServerTests()

    func post(_ client: some TestClientProtocol, key: String?, body: String = #"{"reviewText": "Soft and warm", "overall": 5}"#,
              to path: String = "/api/v1/reviews") async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key { headers[.idempotencyKey] = key }
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static func id(_ response: TestResponse) throws -> String {
        try #require(try JSONDecoder().decode([String: String].self, from: Data(buffer: response.body))["id"])
    }

    @Test func aRetriedPostWithTheSameIdempotencyKeyGetsTheSameIDAndStatus() async throws {
        let app = try await buildApplication(base.configuration(), registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let first = try await post(client, key: "client-7/review-0001")
            let again = try await post(client, key: "client-7/review-0001")
            let other = try await post(client, key: "client-7/review-0002")
            let none1 = try await post(client, key: nil)
            let none2 = try await post(client, key: nil)
            #expect(first.status == .accepted && again.status == .accepted)
            #expect(try Self.id(first) == Self.id(again))
            #expect(try Self.id(first) != Self.id(other))
            #expect(try Self.id(none1) != Self.id(none2))
            // The seed path takes the key too, and so does a client-chosen id in the body.
            let seed = try await post(client, key: "client-7/review-0001", to: "/api/documents/text")
            #expect(seed.status == .created)
            #expect(try Self.id(seed) == Self.id(first))
            let bodyID = try await post(client, key: nil, body: #"{"reviewText": "Soft and warm", "overall": 5, "id": "client-7/review-0001"}"#)
            #expect(try Self.id(bodyID) == Self.id(first))
        }
        // Every post reached the broker (four of them under the one id, which the processor counts once).
        #expect(try await TestStack.messageCount(topic: base.topic) == 7)
    }

    @Test(arguments: ["", String(repeating: "k", count: 201), "has space", "tab\tkey"])
    func anUnusableIdempotencyKeyGets400AndPublishesNothing(key: String) async throws {
        let app = try await buildApplication(base.configuration(), registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let response = try await post(client, key: key)
            #expect(response.status == .badRequest)
            #expect(try APIServerTests.errorBody(response)["error"] == "invalid_idempotency_key")
        }
        #expect(try await TestStack.messageCount(topic: base.topic) == 0)
    }

    @Test func aClientChosenIDMustBeAUsableKey() async throws {
        let app = try await buildApplication(base.configuration(), registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let response = try await post(client, key: nil, body: #"{"reviewText": "fine", "overall": 5, "id": 17}"#)
            #expect(response.status == .unprocessableContent)
            #expect(try APIServerTests.errorBody(response)["error"] == "wrong_type")
        }
    }

    @Test func intakeReadinessFollowsTheBrokerAndReadsReadinessTheDatabase() async throws {
        var configuration = base.configuration()
        configuration.mongoURI = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500&connectTimeoutMS=500"
        let app = try await buildApplication(configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            // The database is unreachable: reviews are still accepted, reads say why they cannot answer.
            #expect(try await client.execute(uri: "/ready", method: .get).status == .ok)
            let reads = try await client.execute(uri: "/ready/reads", method: .get)
            #expect(reads.status == .serviceUnavailable)
            #expect(try await post(client, key: "while-the-database-is-down").status == .accepted)
            let results = try await client.execute(uri: "/api/v1/reviews/abc", method: .get)
            #expect(results.status == .serviceUnavailable)
            #expect(try APIServerTests.errorBody(results)["error"] == "database_unavailable")
        }
        let noBroker = try await buildApplication(base.configuration(brokers: ["127.0.0.1:1"]), registry: PrometheusCollectorRegistry())
        try await noBroker.test(.router) { client in
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(try await client.execute(uri: "/ready/reads", method: .get).status == .ok)
        }
    }
}

@Suite("batch records")
struct BatchRecordStreamTests {
    @Test(.timeLimit(.minutes(1)))
    func aRecordThatNamesNoWordsEndsTheStreamSoTheReaderReadsTheCountsAgain() async throws {
        let database = try Mongo.MongoClient(uri: TestStack.mongoURI).database(TestStack.unique("records"))
        let repository = MongoResultsRepository(database: database)
        let records = try await repository.batchRecords()
        let batches = database.collection("batches")
        try await batches.insertOne(["_id": 1, "totals": ["count": 2], "words": ["fit"], "counts": [2]])
        try await batches.insertOne(["_id": 2, "totals": ["count": 9], "words": [], "counts": [], "wordsOmitted": true])
        var seen: [Int] = []
        for try await record in records { seen.append(record.batch) }
        // The stream ended at the record that omitted its words, after yielding the one before it.
        #expect(seen == [1])
        try await database.drop()
    }
}
