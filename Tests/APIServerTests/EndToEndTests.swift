import Foundation
import Hummingbird
import HummingbirdTesting
import Prometheus
import ReviewAnalysis
import Testing

@testable import APIServer

/// Reviews posted through the API come back as word counts that match counts computed here from the same texts.
@Suite("end to end: API → Kafka → stream processor → MongoDB → API")
struct EndToEndTests {
    @Test(.timeLimit(.minutes(4)))
    func fiveHundredPostedReviewsAreCountedExactly() async throws {
        let topic = TestStack.unique("reviews")
        let database = TestStack.unique("e2e")
        var configuration = APIServerConfiguration()
        configuration.kafkaBrokers = TestStack.kafkaBrokers
        configuration.mongoURI = TestStack.mongoURI
        configuration.mongoDatabase = database
        configuration.reviewsTopic = topic
        configuration.partitions = 3

        let processor = try TestProcessor(topic: topic, database: database)
        defer { processor.stop() }

        let texts = try Array(TestStack.fixtureTexts().prefix(500))
        let tokenizer = Tokenizer()
        let expected = texts.reduce(into: [String: Int]()) { counts, text in
            for token in tokenizer.tokens(in: text) { counts[token, default: 0] += 1 }
        }

        let app = try await buildApplication(configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            for (index, text) in texts.enumerated() {
                let body = try JSONSerialization.data(withJSONObject: ["reviewText": text, "overall": index % 5 + 1])
                let response = try await client.execute(
                    uri: "/api/documents/text", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: body)
                )
                #expect(response.status == .created)
            }
            // Bad requests in between change nothing.
            for bad in [#"{"reviewText": "", "overall": 3}"#, #"{"reviewText": "zzzunseen", "overall": 6}"#, "{"] {
                let response = try await client.execute(
                    uri: "/api/documents/text", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: bad)
                )
                #expect((400..<500).contains(response.status.code))
            }

            var counts: [String: Int] = [:]
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline {
                let response = try await client.execute(uri: "/api/results/wordcount?limit=10000", method: .get)
                let rows = try JSONDecoder().decode([WordRow].self, from: Data(buffer: response.body))
                counts = Dictionary(uniqueKeysWithValues: rows.map { ($0.value, $0.count) })
                if counts == expected { break }
                try await Task.sleep(for: .milliseconds(500))
            }
            #expect(counts.count == expected.count)
            #expect(counts == expected)
            #expect(counts["zzzunseen"] == nil)
            let summary = try await client.execute(uri: "/api/v1/summary", method: .get)
            let totals = try JSONSerialization.jsonObject(with: Data(buffer: summary.body)) as? [String: Any]
            #expect(totals?["reviews"] as? Int == 500)
        }
        processor.stop()
        try? await TestStack.dropDatabase(database)
    }

    struct WordRow: Decodable {
        let _id: String
        let value: String
        let count: Int
    }
}
