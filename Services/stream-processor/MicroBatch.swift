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
    /// Word counts summed over the batch's reviews (a default ``Tokenizer``'s words).
    private(set) var wordCounts: [String: Int] = [:]

    var messageCount: Int { reviews.count + deadLetters.count }

    init(messages: [KafkaConsumerMessage], model: SentimentModel, validator: ReviewValidator, labelRule: LabelRule) {
        var words = WordTally()
        defer { wordCounts = words.dictionary }
        for message in messages {
            let partition = KafkaTopicPartition(topic: message.topic, partition: message.partition)
            nextOffsets[partition] = max(nextOffsets[partition] ?? 0, message.offset + 1)
            let position = KafkaTopicPartitionOffset(topic: message.topic, partition: message.partition, offset: message.offset)
            switch validator.message(from: message.value, fallbackID: "\(message.topic)/\(message.partition)/\(message.offset)") {
            case .failure(let rejection):
                deadLetters.append(DeadLetter(source: message, rejection: rejection))
            case .success(let review):
                // One scan of the text gives the prediction and the word counts.
                let prediction = model.predict(review.reviewText, summary: review.summary ?? "", countingWordsInto: &words)
                reviews.append(Review(
                    position: position, message: review,
                    expected: labelRule.label(forScore: review.overall),
                    prediction: prediction, modelVersion: model.version
                ))
            }
        }
    }

    private init(reviews: [Review], deadLetters: [DeadLetter], nextOffsets: [KafkaTopicPartition: Int64],
                 wordCounts: [String: Int]) {
        self.reviews = reviews
        self.deadLetters = deadLetters
        self.nextOffsets = nextOffsets
        self.wordCounts = wordCounts
    }

    /// The part of the batch at or above the stored offsets: what has not been counted yet. Messages below were
    /// re-delivered by the broker after a crash or a rebalance and are already in the results.
    func unseen(storedNext: [KafkaTopicPartition: Int64]) -> MicroBatch {
        func isNew(_ topic: String, _ partition: Int32, _ offset: Int64) -> Bool {
            offset >= storedNext[KafkaTopicPartition(topic: topic, partition: partition)] ?? 0
        }
        let fresh = reviews.filter { isNew($0.position.topic, $0.position.partition, $0.position.offset) }
        var counts = wordCounts
        if fresh.count < reviews.count {
            // Rare (a re-delivery): count the remaining reviews' words again, as the batch did.
            let tokenizer = Tokenizer()
            counts = [:]
            for review in fresh {
                for token in tokenizer.tokens(in: review.message.reviewText) { counts[token, default: 0] += 1 }
            }
        }
        return MicroBatch(
            reviews: fresh,
            deadLetters: deadLetters.filter { isNew($0.source.topic, $0.source.partition, $0.source.offset) },
            nextOffsets: nextOffsets.filter { partition, next in next > storedNext[partition] ?? 0 },
            wordCounts: counts
        )
    }
}
