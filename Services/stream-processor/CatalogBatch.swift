import Kafka
import ReviewAnalysis
import ReviewContracts

/// One polled batch of `products` messages after validation: the newest valid entry per product, the messages that
/// broke the contract, and where each partition continues. Built without I/O.
struct CatalogBatch: Sendable {
    /// A valid catalog entry with where it came from.
    struct Entry: Sendable {
        let position: KafkaTopicPartitionOffset
        let product: ProductMessage
    }

    /// A message refused, with why.
    struct DeadLetter: Sendable {
        let source: KafkaConsumerMessage
        let rejection: ProductRejection
    }

    private(set) var entries: [Entry] = []
    private(set) var deadLetters: [DeadLetter] = []
    /// For each partition in the batch, the offset after its last message.
    private(set) var nextOffsets: [KafkaTopicPartition: Int64] = [:]

    var messageCount: Int { entries.count + deadLetters.count }

    init(messages: [KafkaConsumerMessage], validator: ProductValidator) {
        for message in messages {
            let partition = KafkaTopicPartition(topic: message.topic, partition: message.partition)
            nextOffsets[partition] = max(nextOffsets[partition] ?? 0, message.offset + 1)
            switch validator.message(from: message.value, key: message.keyString) {
            case .success(let product):
                entries.append(Entry(
                    position: KafkaTopicPartitionOffset(topic: message.topic, partition: message.partition, offset: message.offset),
                    product: product
                ))
            case .failure(let rejection):
                deadLetters.append(DeadLetter(source: message, rejection: rejection))
            }
        }
    }

    private init(entries: [Entry], deadLetters: [DeadLetter], nextOffsets: [KafkaTopicPartition: Int64]) {
        self.entries = entries
        self.deadLetters = deadLetters
        self.nextOffsets = nextOffsets
    }

    /// The part at or above the stored offsets: messages below were written before a crash and are re-deliveries.
    func unseen(storedNext: [KafkaTopicPartition: Int64]) -> CatalogBatch {
        func isNew(_ position: KafkaTopicPartitionOffset) -> Bool {
            position.offset >= storedNext[KafkaTopicPartition(topic: position.topic, partition: position.partition)] ?? 0
        }
        return CatalogBatch(
            entries: entries.filter { isNew($0.position) },
            deadLetters: deadLetters.filter {
                isNew(KafkaTopicPartitionOffset(topic: $0.source.topic, partition: $0.source.partition, offset: $0.source.offset))
            },
            nextOffsets: nextOffsets.filter { partition, next in next > storedNext[partition] ?? 0 }
        )
    }

    /// The newest entry of each product, in the order of their last appearance: a product sent twice in one batch
    /// is written once, as its later message says (a key lives in one partition, so offsets order its messages).
    var newestPerProduct: [ProductMessage] {
        var latest: [String: Int] = [:]
        for (index, entry) in entries.enumerated() { latest[entry.product.id] = index }
        return latest.values.sorted().map { entries[$0].product }
    }

    /// The words search matches a product by: its name's and categories' tokens, as the word count splits them.
    static func keywords(of product: ProductMessage, tokenizer: Tokenizer = Tokenizer()) -> [String] {
        let text = [product.name, product.division, product.department, product.productClass].compactMap { $0 }.joined(separator: " ")
        var seen = Set<String>()
        return tokenizer.tokens(in: text).filter { seen.insert($0).inserted }
    }
}
