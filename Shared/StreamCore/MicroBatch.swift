import Foundation
import Kafka
import ReviewAnalysis
import ReviewContracts

/// One polled batch after analysis: what each valid review contributes and which messages are dead letters.
/// Built without I/O, so it can be computed while the previous batch is still being written.
package struct MicroBatch: Sendable {
    /// A valid review with everything the results need.
    package struct Review: Sendable {
        package let position: KafkaTopicPartitionOffset
        package let message: ReviewMessage
        package let expected: SentimentLabel
        package let prediction: SentimentPrediction
        package let modelVersion: String
        /// The Kafka message it came from (dead-lettered as it is if the database refuses the review).
        package let source: KafkaConsumerMessage
        package var key: String? { source.keyString }

        package init(position: KafkaTopicPartitionOffset, message: ReviewMessage, expected: SentimentLabel, prediction: SentimentPrediction,
                     modelVersion: String, source: KafkaConsumerMessage) {
            self.position = position
            self.message = message
            self.expected = expected
            self.prediction = prediction
            self.modelVersion = modelVersion
            self.source = source
        }
        package var isCorrect: Bool { expected == prediction.label }
    }

    /// A message that broke the contract, with why.
    package struct DeadLetter: Sendable {
        package let source: KafkaConsumerMessage
        package let rejection: ReviewRejection

        package init(source: KafkaConsumerMessage, rejection: ReviewRejection) {
            self.source = source
            self.rejection = rejection
        }
    }

    package var reviews: [Review] = []
    package var deadLetters: [DeadLetter] = []
    /// For each partition in the batch, the offset after its last message.
    package var nextOffsets: [KafkaTopicPartition: Int64] = [:]
    /// For each partition in the batch, the key of its last message (stored with the offset: ``StoredPosition``).
    package var lastKeys: [KafkaTopicPartition: String] = [:]
    /// Word counts summed over the batch's reviews (a default ``Tokenizer``'s words).
    package private(set) var wordCounts: [String: Int] = [:]

    package var messageCount: Int { reviews.count + deadLetters.count }

    package init(messages: [KafkaConsumerMessage], model: SentimentModel, validator: ReviewValidator, labelRule: LabelRule) {
        var words = WordTally()
        defer { wordCounts = words.dictionary }
        for message in messages {
            let partition = KafkaTopicPartition(topic: message.topic, partition: message.partition)
            if message.offset + 1 >= nextOffsets[partition] ?? 0 {
                nextOffsets[partition] = message.offset + 1
                lastKeys[partition] = message.keyString
            }
            let position = KafkaTopicPartitionOffset(topic: message.topic, partition: message.partition, offset: message.offset)
            switch validator.message(from: message.value, fallbackID: Self.fallbackID(message)) {
            case .failure(let rejection):
                deadLetters.append(DeadLetter(source: message, rejection: rejection))
            case .success(let review):
                // One scan of the text gives the prediction and the word counts.
                let prediction = model.predict(review.reviewText, summary: review.summary ?? "", countingWordsInto: &words)
                reviews.append(Review(
                    position: position, message: review,
                    expected: labelRule.label(forScore: review.overall),
                    prediction: prediction, modelVersion: model.version, source: message
                ))
            }
        }
    }

    private init(reviews: [Review], deadLetters: [DeadLetter], nextOffsets: [KafkaTopicPartition: Int64],
                 lastKeys: [KafkaTopicPartition: String], wordCounts: [String: Int]) {
        self.reviews = reviews
        self.deadLetters = deadLetters
        self.nextOffsets = nextOffsets
        self.lastKeys = lastKeys
        self.wordCounts = wordCounts
    }

    /// The id of a review that carries none (the seed's bare `{reviewText, overall}`): its position, and its
    /// timestamp when it has one, so a re-delivery gets the same id while a new message written at a re-used offset
    /// (a broker that lost its tail) does not.
    package static func fallbackID(_ message: KafkaConsumerMessage) -> String {
        let position = "\(message.topic)/\(message.partition)/\(message.offset)"
        guard let timestamp = message.timestamp else { return position }
        return "\(position)@\(Int64((timestamp.timeIntervalSince1970 * 1000).rounded()))"
    }

    /// For each partition in the batch, the offset of its first message.
    package var firstOffsets: [KafkaTopicPartition: Int64] {
        var first: [KafkaTopicPartition: Int64] = [:]
        let positions = reviews.map { ($0.position.topic, $0.position.partition, $0.position.offset) }
            + deadLetters.map { ($0.source.topic, $0.source.partition, $0.source.offset) }
        for (topic, partition, offset) in positions {
            let id = KafkaTopicPartition(topic: topic, partition: partition)
            first[id] = min(first[id] ?? offset, offset)
        }
        return first
    }

    /// How many of the batch's reviews are at or above the stored offsets (repeated ids included).
    package func reviewCount(atOrAbove storedNext: [KafkaTopicPartition: Int64]) -> Int {
        reviews.lazy.filter { $0.position.offset >= storedNext[KafkaTopicPartition(topic: $0.position.topic, partition: $0.position.partition)] ?? 0 }.count
    }

    /// The ids of the batch's reviews.
    package var reviewIDs: [String] { reviews.map(\.message.id) }

    /// The part of the batch that has not been counted yet: at or above the stored offsets (messages below were
    /// re-delivered by the broker after a crash or a rebalance), and reviews whose id is neither among
    /// `storedIDs` nor earlier in the batch (a client re-posted it, or the processor re-reads a log that lost its
    /// tail). A review id is counted once, whatever offsets it was written at.
    package func unseen(storedNext: [KafkaTopicPartition: Int64], storedIDs: Set<String> = []) -> MicroBatch {
        func isNew(_ topic: String, _ partition: Int32, _ offset: Int64) -> Bool {
            offset >= storedNext[KafkaTopicPartition(topic: topic, partition: partition)] ?? 0
        }
        var seen = storedIDs
        let fresh = reviews.filter {
            isNew($0.position.topic, $0.position.partition, $0.position.offset) && seen.insert($0.message.id).inserted
        }
        let partitions = nextOffsets.filter { partition, next in next > storedNext[partition] ?? 0 }
        return MicroBatch(
            reviews: fresh,
            deadLetters: deadLetters.filter { isNew($0.source.topic, $0.source.partition, $0.source.offset) },
            nextOffsets: partitions,
            lastKeys: lastKeys.filter { partitions[$0.key] != nil },
            wordCounts: fresh.count < reviews.count ? Self.wordCounts(of: fresh) : wordCounts
        )
    }

    /// The batch in two parts with every partition's lower offsets in the first, so writing the first and then the
    /// second stores the same results as writing the whole; nil for a batch of one message.
    package func halves() -> (MicroBatch, MicroBatch)? {
        enum Item { case review(Review), deadLetter(DeadLetter) }
        func position(_ item: Item) -> (String, Int32, Int64, String?) {
            switch item {
            case .review(let review): (review.position.topic, review.position.partition, review.position.offset, review.key)
            case .deadLetter(let letter): (letter.source.topic, letter.source.partition, letter.source.offset, letter.source.keyString)
            }
        }
        let items = (reviews.map(Item.review) + deadLetters.map(Item.deadLetter)).sorted {
            let (a, b) = (position($0), position($1))
            return (a.0, a.1, a.2) < (b.0, b.1, b.2)
        }
        guard items.count > 1 else { return nil }
        func batch(_ part: ArraySlice<Item>) -> MicroBatch {
            var result = MicroBatch(reviews: [], deadLetters: [], nextOffsets: [:], lastKeys: [:], wordCounts: [:])
            for item in part {
                let (topic, partition, offset, key) = position(item)
                let id = KafkaTopicPartition(topic: topic, partition: partition)
                if offset + 1 >= result.nextOffsets[id] ?? 0 {
                    result.nextOffsets[id] = offset + 1
                    result.lastKeys[id] = key
                }
                switch item {
                case .review(let review): result.reviews.append(review)
                case .deadLetter(let letter): result.deadLetters.append(letter)
                }
            }
            result.wordCounts = Self.wordCounts(of: result.reviews)
            return result
        }
        let middle = items.count / 2
        return (batch(items[..<middle]), batch(items[middle...]))
    }

    /// The batch without its reviews, which become dead letters for `reason`; its offsets still cover them.
    package func deadLettered(reason: String) -> MicroBatch {
        let letters = reviews.map { review in
            DeadLetter(source: review.source, rejection: .unwritable(reason))
        }
        return MicroBatch(reviews: [], deadLetters: deadLetters + letters, nextOffsets: nextOffsets, lastKeys: lastKeys, wordCounts: [:])
    }

    /// Word counts as the batch counts them (a default ``Tokenizer``'s words), for a subset of its reviews.
    private static func wordCounts(of reviews: [Review]) -> [String: Int] {
        let tokenizer = Tokenizer()
        var counts: [String: Int] = [:]
        for review in reviews {
            for token in tokenizer.tokens(in: review.message.reviewText) { counts[token, default: 0] += 1 }
        }
        return counts
    }
}
