import Foundation
import Hummingbird
import HummingbirdTesting
import Kafka
import Mongo
import Prometheus
import Testing

@testable import APIServer

@Suite("api-server against the real broker and database")
struct APIServerTests {
    let topic = TestStack.unique("reviews")
    let databaseName = TestStack.unique("api")

    func configuration(brokers: [String] = TestStack.kafkaBrokers, ackTimeout: Duration = .seconds(5)) -> APIServerConfiguration {
        var configuration = APIServerConfiguration()
        configuration.kafkaBrokers = brokers
        configuration.mongoURI = TestStack.mongoURI
        configuration.mongoDatabase = databaseName
        configuration.reviewsTopic = topic
        configuration.partitions = 3
        configuration.ackTimeout = ackTimeout
        return configuration
    }

    func post(_ client: some TestClientProtocol, _ body: String, to path: String = "/api/documents/text") async throws -> TestResponse {
        try await client.execute(uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
    }

    static func errorBody(_ response: TestResponse) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(buffer: response.body))
    }

    @Test func pingAnswersPong() async throws {
        let app = try await buildApplication(configuration(), registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/api/ping", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "pong")
        }
    }

    @Test func acceptedReviewIsOnTheTopicKeyedByItsID() async throws {
        let app = try await buildApplication(configuration(), registry: PrometheusCollectorRegistry())
        let id = try await app.test(.router) { client in
            let response = try await post(client, #"{"reviewText": "Great fit, lovely colour", "overall": 5}"#)
            #expect(response.status == .created)
            return try JSONDecoder().decode([String: String].self, from: Data(buffer: response.body))["id"] ?? ""
        }
        #expect(!id.isEmpty)
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(bootstrapServers: TestStack.kafkaBrokers, groupID: TestStack.unique("g")),
            topics: [topic], logger: TestStack.logger
        )
        var received: [KafkaConsumerMessage] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while received.isEmpty, ContinuousClock.now < deadline {
            received += try await consumer.poll(maxMessages: 10, timeout: .milliseconds(500))
        }
        await consumer.close()
        let message = try #require(received.first)
        #expect(message.keyString == id)
        let value = try JSONSerialization.jsonObject(with: Data(message.value)) as? [String: Any]
        #expect(value?["id"] as? String == id)
        #expect(value?["reviewText"] as? String == "Great fit, lovely colour")
        #expect(value?["overall"] as? Double == 5)
        #expect(value?["submittedAt"] is String)
    }

    @Test func v1ReviewAnswers202WithTheID() async throws {
        let app = try await buildApplication(configuration(), registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let response = try await post(client, #"{"reviewText": "Runs small", "overall": 2, "itemId": "1078", "summary": "meh"}"#, to: "/api/v1/reviews")
            #expect(response.status == .accepted)
            let id = try JSONDecoder().decode([String: String].self, from: Data(buffer: response.body))["id"]
            let status = try await client.execute(uri: "/api/v1/reviews/\(id ?? "")", method: .get)
            #expect(status.status == .ok)
            #expect(String(buffer: status.body).contains(#""status":"pending""#))
        }
    }

    @Test(arguments: [
        ("not json", 400, "invalid_json"),
        ("[1, 2]", 400, "not_an_object"),
        (#"{"overall": 4}"#, 422, "missing_field"),
        (#"{"reviewText": "   ", "overall": 4}"#, 422, "empty_text"),
        (#"{"reviewText": "fine", "overall": 0}"#, 422, "score_out_of_range"),
        (#"{"reviewText": "fine", "overall": 9}"#, 422, "score_out_of_range"),
        (#"{"reviewText": "fine", "overall": "5"}"#, 422, "wrong_type"),
        (#"{"reviewText": 42, "overall": 5}"#, 422, "wrong_type"),
        (#"{"reviewText": "fine"}"#, 422, "missing_field"),
    ])
    func badRequestsGetA4xxJSONErrorAndPublishNothing(body: String, status: Int, reason: String) async throws {
        let app = try await buildApplication(configuration(), registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let response = try await post(client, body)
            #expect(response.status.code == status)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let error = try Self.errorBody(response)
            #expect(error["error"] == reason)
            #expect(error["detail"]?.isEmpty == false)
        }
        #expect(try await TestStack.messageCount(topic: topic) == 0)
    }

    @Test func bodyOver64KiBIsRejectedWith413() async throws {
        let app = try await buildApplication(configuration(), registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let text = String(repeating: "a", count: 70 * 1024)
            let response = try await post(client, #"{"reviewText": "\#(text)", "overall": 5}"#)
            #expect(response.status == .contentTooLarge)
            #expect(try Self.errorBody(response)["error"] == "body_too_large")
        }
        #expect(try await TestStack.messageCount(topic: topic) == 0)
    }

    @Test func unreachableBrokerGives503WithinTheTimeout() async throws {
        let app = try await buildApplication(configuration(brokers: ["127.0.0.1:1"], ackTimeout: .seconds(1)), registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let started = ContinuousClock.now
            let response = try await post(client, #"{"reviewText": "never acknowledged", "overall": 4}"#)
            #expect(response.status == .serviceUnavailable)
            #expect(try Self.errorBody(response)["error"] == "broker_unavailable")
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test func wordCountsComeBackSortedWithTheSeedShape() async throws {
        let mongo = try MongoClient(uri: TestStack.mongoURI)
        let database = mongo.database(databaseName)
        defer { Task { try? await database.drop() } }
        try await database.collection("wordcount").insertMany([
            ["_id": "dress", "count": 7], ["_id": "fabric", "count": 3], ["_id": "love", "count": 12],
        ])
        let app = try await buildApplication(configuration(), registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/api/results/wordcount?limit=2", method: .get)
            #expect(response.status == .ok)
            let rows = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]]
            #expect(rows?.count == 2)
            #expect(rows?.first?["_id"] as? String == "love")
            #expect(rows?.first?["value"] as? String == "love")
            #expect(rows?.first?["count"] as? Int == 12)
            #expect(rows?.last?["value"] as? String == "dress")
            for bad in ["0", "10001", "many"] {
                let rejected = try await client.execute(uri: "/api/results/wordcount?limit=\(bad)", method: .get)
                #expect(rejected.status == .badRequest)
            }
        }
    }

    @Test func operationalRoutesAnswer() async throws {
        let app = try await buildApplication(configuration(), registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/ready", method: .get).status == .ok)
            let missing = try await client.execute(uri: "/api/nothing-here", method: .get)
            #expect(missing.status == .notFound)
            #expect(try Self.errorBody(missing)["error"] == "not_found")
        }
    }
}
