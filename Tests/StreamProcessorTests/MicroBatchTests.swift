import Foundation
import Kafka
import ReviewAnalysis
import ReviewContracts
import StreamCore
import Testing

@testable import StreamProcessor

@Suite("micro-batch analysis")
struct MicroBatchTests {
    static let model = try! SentimentModel(contentsOf: ProcessorHarness.modelFile)

    static func message(_ value: String, partition: Int32 = 0, offset: Int64) -> KafkaConsumerMessage {
        KafkaConsumerMessage(topic: "reviews", partition: partition, offset: offset, key: nil, value: Array(value.utf8), headers: [], timestamp: nil)
    }

    static func batch(_ messages: [KafkaConsumerMessage]) -> MicroBatch {
        MicroBatch(messages: messages, model: model, validator: ReviewValidator(), labelRule: LabelRule())
    }

    @Test func validReviewsAreAnalysedAndInvalidOnesBecomeDeadLetters() {
        let batch = Self.batch([
            Self.message(#"{"id": "a", "reviewText": "Love love this dress", "overall": 5}"#, offset: 10),
            Self.message(#"{"reviewText": "Terrible fabric, returned it", "overall": 1}"#, partition: 1, offset: 3),
            Self.message("{broken", offset: 11),
            Self.message(#"{"reviewText": "fine", "overall": 9}"#, partition: 1, offset: 4),
        ])
        #expect(batch.reviews.map(\.message.id) == ["a", "reviews/1/3"])
        #expect(batch.reviews.map(\.expected) == [.positive, .negative])
        #expect(batch.reviews.allSatisfy { $0.modelVersion == Self.model.version })
        #expect(batch.reviews.allSatisfy { (0...1).contains($0.prediction.probability) })
        #expect(batch.deadLetters.map(\.rejection.reason) == ["invalid_json", "score_out_of_range"])
        #expect(batch.nextOffsets == [
            KafkaTopicPartition(topic: "reviews", partition: 0): 12,
            KafkaTopicPartition(topic: "reviews", partition: 1): 5,
        ])
        #expect(batch.wordCounts == ["love": 2, "dress": 1, "terrible": 1, "fabric": 1, "returned": 1])
    }

    @Test func theTitleInformsThePredictionButNotTheWordCount() {
        let text = "It arrived on time and the size is as described"
        let batch = Self.batch([
            Self.message(#"{"id": "t1", "reviewText": "\#(text)", "overall": 2, "summary": "Awful, cheap and itchy"}"#, offset: 0),
            Self.message(#"{"id": "t2", "reviewText": "\#(text)", "overall": 2}"#, offset: 1),
        ])
        #expect(batch.reviews.map(\.prediction) == [
            Self.model.predict(text, summary: "Awful, cheap and itchy"), Self.model.predict(text, summary: ""),
        ])
        // The test model is trained with titles, so the title must move the probability.
        #expect(batch.reviews[0].prediction.probability < batch.reviews[1].prediction.probability)
        #expect(batch.wordCounts["itchy"] == nil && batch.wordCounts["arrived"] == 2)
    }

    @Test func messagesBelowTheStoredOffsetsAreDroppedAsAlreadyCounted() {
        let batch = Self.batch([
            Self.message(#"{"reviewText": "soft", "overall": 5}"#, offset: 5),
            Self.message(#"{"reviewText": "itchy", "overall": 2}"#, offset: 6),
            Self.message("not json", offset: 7),
            Self.message(#"{"reviewText": "warm", "overall": 4}"#, partition: 2, offset: 0),
        ])
        let p0 = KafkaTopicPartition(topic: "reviews", partition: 0)
        let p2 = KafkaTopicPartition(topic: "reviews", partition: 2)
        let fresh = batch.unseen(storedNext: [p0: 7, p2: 1])
        #expect(fresh.reviews.isEmpty)
        #expect(fresh.deadLetters.map(\.source.offset) == [7])
        #expect(fresh.nextOffsets == [p0: 8])
        #expect(batch.unseen(storedNext: [p0: 8, p2: 1]).nextOffsets.isEmpty)
        #expect(batch.unseen(storedNext: [:]).messageCount == 4)
        // Word counts follow the reviews that remain.
        #expect(batch.wordCounts == ["soft": 1, "itchy": 1, "warm": 1])
        #expect(batch.unseen(storedNext: [p0: 6]).wordCounts == ["itchy": 1, "warm": 1])
        #expect(batch.unseen(storedNext: [:]).wordCounts == batch.wordCounts)
    }
}
