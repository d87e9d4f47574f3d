import Foundation
import Kafka
import Logging
import Metrics
import NIOConcurrencyHelpers
import ReviewContracts
import ServiceLifecycle

/// Reads the `products` topic into the `products` collection, beside the review loop and independent of it.
///
/// The catalog changes rarely, so instead of fetching all the time (the local broker answers empty fetches at once,
/// so an idle consumer spins) the service checks the partitions' end offsets every `probeInterval` and assigns them
/// only while they have unread messages, at the positions the stored offsets say are next. Each polled batch is
/// written with its offsets in one transaction (``CatalogStore``), so a re-delivered or replayed catalog message
/// changes nothing; refused messages go to the dead-letter topic first, like refused reviews.
///
/// Every processor instance reads the whole catalog: the catalog is small, and two instances writing the same
/// messages conflict on the offsets document, where the loser's retry sees the winner's offsets and skips them.
/// Unchecked Sendable: `next` is touched only by the one task running `run()`; everything else is immutable or locked.
final class CatalogService: Service, @unchecked Sendable {
    private let configuration: StreamProcessorConfiguration
    private let store: CatalogStore
    private let deadLetters: DeadLetterPublisher
    private let logger: Logger
    private let validator = ProductValidator()
    private let written = Counter(label: "stream_catalog_products_total")
    private let deadLettered = Counter(label: "stream_catalog_dead_letters_total")
    private let stopping = NIOLockedValueBox(false)
    /// Where reading each partition goes on: the stored offsets, advanced by each committed write.
    private var next: [KafkaTopicPartition: Int64] = [:]

    init(configuration: StreamProcessorConfiguration, store: CatalogStore, deadLetters: DeadLetterPublisher, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.deadLetters = deadLetters
        self.logger = logger
    }

    func run() async throws {
        // Cancellation (the group's answer to a part that failed, such as an HTTP port in use) stops the loop like
        // SIGTERM does, so the process exits with the failure instead of running on without it.
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: self.configuration.kafkaBrokers, groupID: self.configuration.groupID + "-catalog")
                consumerConfiguration.clientID = "stream-processor-catalog"
                consumerConfiguration.security = self.configuration.kafkaSecurity
                let consumer = try KafkaConsumer(configuration: consumerConfiguration, topics: [], logger: self.logger)
                guard let topicPartitions = await self.partitions() else { await consumer.close(); return }
                self.next = try await self.retrying("reading the catalog's stored offsets") {
                    try await self.store.storedOffsets(topic: self.configuration.productsTopic)
                }
                self.logger.info("following the catalog", metadata: ["topic": "\(self.configuration.productsTopic)", "partitions": "\(topicPartitions.count)"])
                while !self.stopping.withLockedValue { $0 } {
                    do {
                        let unread = try await self.unreadPositions(topicPartitions, consumer: consumer)
                        if !unread.isEmpty { try await self.drain(unread, consumer: consumer) }
                    } catch {
                        self.logger.warning("reading the catalog failed; trying again", metadata: ["error": "\(error)"])
                        try? await consumer.assign([])
                    }
                    try? await Task.sleep(for: self.configuration.catalogProbeInterval)
                }
                await consumer.close()
            } onGracefulShutdown: {
                self.stopping.withLockedValue { $0 = true }
            }
        } onCancel: {
            self.stopping.withLockedValue { $0 = true }
        }
    }

    /// The topic's partitions, waiting for it to exist; nil when a stop came first.
    private func partitions() async -> [KafkaTopicPartition]? {
        let topic = configuration.productsTopic
        while !stopping.withLockedValue { $0 } {
            if let admin = try? KafkaAdmin(bootstrapServers: configuration.kafkaBrokers, security: configuration.kafkaSecurity, logger: logger) {
                let count = try? await admin.partitionCount(topic: topic)
                admin.close()
                if let count, count > 0 { return (0..<Int32(count)).map { KafkaTopicPartition(topic: topic, partition: $0) } }
            }
            try? await Task.sleep(for: .seconds(1))
        }
        return nil
    }

    /// Positions to read from, for the partitions with messages at or after them.
    private func unreadPositions(_ partitions: [KafkaTopicPartition], consumer: KafkaConsumer) async throws -> [KafkaTopicPartitionOffset] {
        var positions: [KafkaTopicPartitionOffset] = []
        for partition in partitions {
            let marks = try await consumer.watermarks(partition)
            let (offset, unread) = IdleFetchPause.position(next: next[partition], low: marks.low, high: marks.high)
            if unread { positions.append(KafkaTopicPartitionOffset(topic: partition.topic, partition: partition.partition, offset: offset)) }
        }
        return positions
    }

    /// Reads the given partitions from the given positions until a poll finds nothing, writing batch by batch, then
    /// stops fetching.
    private func drain(_ positions: [KafkaTopicPartitionOffset], consumer: KafkaConsumer) async throws {
        try await consumer.assign(positions)
        var quietPolls = 0
        while !stopping.withLockedValue { $0 }, quietPolls < 3 {
            let messages = try await consumer.poll(maxMessages: configuration.batchSize, timeout: .milliseconds(200))
            guard !messages.isEmpty else { quietPolls += 1; continue }
            quietPolls = 0
            let batch = CatalogBatch(messages: messages, validator: validator)
            let letters = batch.deadLetters.filter { letter in
                letter.source.offset >= next[KafkaTopicPartition(topic: letter.source.topic, partition: letter.source.partition)] ?? 0
            }
            // Published before the offsets that skip them are stored: a crash in between sends them again rather
            // than losing them.
            try await retrying("publishing catalog dead letters") { try await self.deadLetters.publish(letters) }
            for letter in letters {
                logger.warning("dead-lettered a catalog message", metadata: [
                    "reason": "\(letter.rejection.reason)", "partition": "\(letter.source.partition)", "offset": "\(letter.source.offset)",
                ])
            }
            let outcome = try await retrying("writing a catalog batch") { try await self.store.write(batch) }
            next.merge(outcome.nextOffsets, uniquingKeysWith: max)
            next.merge(batch.nextOffsets, uniquingKeysWith: max)
            written.increment(by: outcome.written)
            deadLettered.increment(by: outcome.deadLettered)
            logger.debug("catalog batch written", metadata: [
                "messages": "\(batch.messageCount)", "products": "\(outcome.written)", "dlq": "\(outcome.deadLettered)", "skipped": "\(outcome.skipped)",
            ])
        }
        try await consumer.assign([])
    }

    /// Runs `work` until it succeeds, backing off; nothing is stored or skipped meanwhile, so no entry is lost.
    private func retrying<T: Sendable>(_ what: String, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        var delay: Duration = .milliseconds(100)
        while true {
            do {
                return try await work()
            } catch {
                if stopping.withLockedValue { $0 } { throw error }
                logger.error("\(what) failed; retrying", metadata: ["error": "\(error)", "retryIn": "\(delay)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(10))
            }
        }
    }
}
