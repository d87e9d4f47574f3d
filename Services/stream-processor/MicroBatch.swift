import Foundation
import Kafka
import ReviewAnalysis
import ReviewContracts

/// One polled batch after analysis: what each valid review contributes and which messages are dead letters.
/// Built without I/O, so it can be computed while the previous batch is still being written.
struct MicroBatch: Sendable {
    /// A valid review with everything the results need.
    struct Review: Sendable {
        let position: KafkaTopicPartitionOffset
        let message: ReviewMessage
        let expected: SentimentLabel
        let prediction: SentimentPrediction
        let modelVersion: String
        let wordCounts: [String: Int]
        var isCorrect: Bool { expected == prediction.label }
    }

    /// A message that broke the contract, with why.
    struct DeadLetter: Sendable {
        let source: KafkaConsumerMessage
        let rejection: ReviewRejection
    }

    var reviews: [Review] = []
    var deadLetters: [DeadLetter] = []
    /// For each partition in the batch, the offset after its last message.
    var nextOffsets: [KafkaTopicPartition: Int64] = [:]

    var messageCount: Int { reviews.count + deadLetters.count }

    init(messages: [KafkaConsumerMessage], model: SentimentModel, tokenizer: Tokenizer, validator: ReviewValidator, labelRule: LabelRule) {
        for message in messages {
            let partition = KafkaTopicPartition(topic: message.topic, partition: message.partition)
            nextOffsets[partition] = max(nextOffsets[partition] ?? 0, message.offset + 1)
            let position = KafkaTopicPartitionOffset(topic: message.topic, partition: message.partition, offset: message.offset)
            switch validator.message(from: message.value, fallbackID: "\(message.topic)/\(message.partition)/\(message.offset)") {
            case .failure(let rejection):
                deadLetters.append(DeadLetter(source: message, rejection: rejection))
            case .success(let review):
                var counts: [String: Int] = [:]
                for token in tokenizer.tokens(in: review.reviewText) { counts[token, default: 0] += 1 }
                reviews.append(Review(
                    position: position, message: review,
                    expected: labelRule.label(forScore: review.overall),
                    prediction: model.predict(review.reviewText),
                    modelVersion: model.version, wordCounts: counts
                ))
            }
        }
    }

    private init(reviews: [Review], deadLetters: [DeadLetter], nextOffsets: [KafkaTopicPartition: Int64]) {
        self.reviews = reviews
        self.deadLetters = deadLetters
        self.nextOffsets = nextOffsets
    }

    /// The part of the batch at or above the stored offsets: what has not been counted yet. Messages below were
    /// re-delivered by the broker after a crash or a rebalance and are already in the results.
    func unseen(storedNext: [KafkaTopicPartition: Int64]) -> MicroBatch {
        func isNew(_ topic: String, _ partition: Int32, _ offset: Int64) -> Bool {
            offset >= storedNext[KafkaTopicPartition(topic: topic, partition: partition)] ?? 0
        }
        return MicroBatch(
            reviews: reviews.filter { isNew($0.position.topic, $0.position.partition, $0.position.offset) },
            deadLetters: deadLetters.filter { isNew($0.source.topic, $0.source.partition, $0.source.offset) },
            nextOffsets: nextOffsets.filter { partition, next in next > storedNext[partition] ?? 0 }
        )
    }

    /// Word counts summed over the batch.
    var wordCounts: [String: Int] {
        var total: [String: Int] = [:]
        for review in reviews { total.merge(review.wordCounts, uniquingKeysWith: +) }
        return total
    }
}
