import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Kafka
import Mongo
import ReviewAnalysis
import ReviewContracts
import Testing

/// Malformed messages land in the dead-letter topic, every valid one is counted, and the processor keeps going.
@Suite("poison messages")
struct PoisonMessageTests {
    static let poisons: [(reason: String, value: [UInt8])] = [
        ("invalid_json", Array(#"{"reviewText": "unterminated"#.utf8)),
        ("wrong_type", Array(#"{"reviewText": ["a list"], "overall": 5}"#.utf8)),
        ("wrong_type", Array(#"{"reviewText": "fine", "overall": "five"}"#.utf8)),
        ("empty_text", Array(#"{"reviewText": "", "overall": 4}"#.utf8)),
        ("score_out_of_range", Array(#"{"reviewText": "too good", "overall": 9}"#.utf8)),
        ("text_too_long", Array(#"{"reviewText": "\#(String(repeating: "word ", count: 180_000))", "overall": 3}"#.utf8)),
        ("invalid_utf8", [0x7B, 0x22, 0x72, 0xFF, 0xFE, 0x22, 0x7D]),
        ("not_an_object", Array("42".utf8)),
        ("missing_field", Array(#"{"overall": 2}"#.utf8)),
    ]

    @Test(.timeLimit(.minutes(4)))
    func malformedMessagesGoToTheDeadLetterTopicAndValidOnesAreAllCounted() async throws {
        let harness = ProcessorHarness()
        defer { harness.stopAll() }
        try await harness.createTopics()
        let fixture = try ProcessorHarness.fixtureReviews()
        var messages: [(key: String, value: [UInt8])] = []
        var valid = 0
        for index in 0..<300 {
            // The seed's bare shape and the v1 shape, interleaved.
            let review = fixture[index]
            if index % 2 == 0 {
                messages.append(("v\(index)", ReviewMessage(id: "v\(index)", reviewText: review.text, overall: review.score).encoded()))
            } else {
                let bare = try JSONSerialization.data(withJSONObject: ["reviewText": review.text, "overall": review.score])
                messages.append(("b\(index)", Array(bare)))
            }
            valid += 1
            if index % 30 == 0 {
                let poison = Self.poisons[(index / 30) % Self.poisons.count]
                messages.append(("p\(index)", poison.value))
            }
        }
        let poisonCount = messages.count - valid
        let port = try harness.start(0)
        try await harness.produce(messages)

        let totals = try #require(try await harness.waitForTotals(reviews: valid, deadLettered: poisonCount, timeout: .seconds(90)))
        #expect(totals["count"]?.intValue == valid)
        #expect(totals["deadLettered"]?.intValue == poisonCount)

        // Every poison message is in the dead-letter topic with its reason and where it came from.
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(bootstrapServers: [ProcessorHarness.kafkaBrokers], groupID: ProcessorHarness.unique("dlq")),
            topics: [harness.deadLetterTopic], logger: ProcessorHarness.logger
        )
        var letters: [KafkaConsumerMessage] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while letters.count < poisonCount, ContinuousClock.now < deadline {
            letters += try await consumer.poll(maxMessages: 100, timeout: .milliseconds(500))
        }
        await consumer.close()
        #expect(Set(letters.map(\.keyString)).count == poisonCount)
        let expectedReasons = messages.filter { $0.key.hasPrefix("p") }.map { message in
            Self.poisons.first { $0.value == message.value }!.reason
        }
        func header(_ message: KafkaConsumerMessage, _ key: String) -> String? {
            message.headers.first { $0.key == key }?.value.map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(letters.compactMap { header($0, "dlq.reason") }.sorted() == expectedReasons.sorted())
        #expect(letters.allSatisfy { header($0, "dlq.source.offset") != nil && header($0, "dlq.source.partition") != nil })
        #expect(letters.allSatisfy { header($0, "dlq.source.topic") == harness.topic })

        // Still alive and healthy.
        let (_, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/health")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        harness.stopAll()
        await harness.drop()
    }
}
