import Foundation
import Logging
import NIOConcurrencyHelpers
internal import CRdKafka

/// A consumer-group member reading its assigned partitions in micro-batches. Thread-safe.
///
/// Polling (and with it the rebalance handler) runs on one dedicated thread; offset and metadata requests run on
/// a second one, so a lag probe does not wait for a poll. Neither blocks Swift's cooperative pool. Call `close()`
/// to leave the group cleanly.
/// Unchecked Sendable: librdkafka is called only on the two worker threads; `closeTask` is behind `lock`.
public final class KafkaConsumer: @unchecked Sendable {
    private let client: RDKafkaClient
    private let pollWorker: RDKafkaWorker
    private let controlWorker: RDKafkaWorker
    private let logger: Logger
    private let closing = NIOLockedValueBox(false)
    private let lock = NSLock()
    private var closeTask: Task<Void, Never>?
    private let outOfRange = RDKafkaPositionList()

    /// Creates the consumer and subscribes to `topics`; with no topics it only serves offset and watermark queries.
    public init(configuration: KafkaConsumerConfiguration, topics: [String], logger: Logger) throws {
        self.logger = logger
        let context = RDKafkaCallbackContext(logger: logger, rebalanceHandler: configuration.rebalanceHandler)
        let client = try RDKafkaClient(kind: .consumer, properties: configuration.rdKafkaProperties, context: context)
        self.client = client
        let handle = try client.handle()
        // One queue for messages, rebalances and errors, all served by rd_kafka_consumer_poll.
        rd_kafka_poll_set_consumer(handle)
        if !topics.isEmpty {
            let subscription = RDKafkaTopicPartitionList.topics(topics)
            let result = subscription.withPointer { rd_kafka_subscribe(handle, $0) }
            if result != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError(result, while: "subscribing to \(topics)")
            }
        }
        // Started last: a failed init must not leave threads behind.
        pollWorker = RDKafkaWorker(name: "kafka-consumer-poll")
        controlWorker = RDKafkaWorker(name: "kafka-consumer-control")
    }

    deinit {
        // Without close(): the client's deinit destroys the handle, which leaves the group on this thread.
        pollWorker.stop {}
        controlWorker.stop {}
    }

    /// Returns up to `maxMessages`, waiting at most `timeout` in total; returns early once `maxMessages` are in,
    /// and may return none. Messages already fetched are drained even after the timeout.
    ///
    /// Throws `KafkaError` only for fatal errors; transient ones (broker connection, missing topic) are logged.
    public func poll(maxMessages: Int, timeout: Duration) async throws -> [KafkaConsumerMessage] {
        guard maxMessages > 0 else { return [] }
        try checkOpen()
        let client = self.client, logger = self.logger, closing = self.closing, outOfRange = self.outOfRange
        let cancelled = NIOLockedValueBox(false)
        let deadline = ContinuousClock.now + timeout
        return try await withTaskCancellationHandler {
            try await pollWorker.run {
                let handle = try client.handle()
                var messages: [KafkaConsumerMessage] = []
                while messages.count < maxMessages, !cancelled.withLockedValue { $0 }, !closing.withLockedValue { $0 } {
                    let remaining = max(0, (deadline - .now).millisecondsRoundedUp)
                    // Short slices keep cancellation and close() responsive.
                    guard let message = rd_kafka_consumer_poll(handle, Int32(min(remaining, 100))) else {
                        if remaining == 0 { break }
                        continue
                    }
                    defer { rd_kafka_message_destroy(message) }
                    let code = message.pointee.err
                    if code == RD_KAFKA_RESP_ERR_NO_ERROR {
                        messages.append(KafkaConsumerMessage(copying: message))
                    } else if code == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                        continue
                    } else if code == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET || code == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE, let topic = message.pointee.rkt {
                        let position = KafkaTopicPartitionOffset(
                            topic: String(cString: rd_kafka_topic_name(topic)), partition: message.pointee.partition, offset: message.pointee.offset
                        )
                        outOfRange.append(position)
                        let text = rd_kafka_message_errstr(message).map { String(cString: $0) } ?? ""
                        logger.error("position outside the partition's log", metadata: [
                            "partition": "\(position.topic)/\(position.partition)", "offset": "\(position.offset)", "reason": "\(text)",
                        ])
                    } else if let fatal = RDKafkaClient.fatalError(of: handle) {
                        throw fatal
                    } else {
                        let text = rd_kafka_message_errstr(message).map { String(cString: $0) } ?? ""
                        logger.warning("consumer error", metadata: ["code": "\(String(cString: rd_kafka_err2name(code)))", "reason": "\(text)"])
                    }
                }
                return messages
            }
        } onCancel: {
            cancelled.withLockedValue { $0 = true }
        }
    }

    /// Positions whose fetch the broker answered "offset out of range" since the last call (with
    /// ``KafkaConsumerConfiguration/AutoOffsetReset/error`` those partitions stop fetching until assigned or sought again).
    public func takeOutOfRangePositions() -> [KafkaTopicPartitionOffset] { outOfRange.takeAll() }

    /// How many times the connection to the brokers was lost since the consumer started. A broker that restarted may
    /// have lost the tail of its log, so positions read before a loss are worth checking again.
    public var brokerConnectionLosses: Int { client.context.connectionLosses.value }

    /// Makes the next poll of a partition start at `position.offset`. The partition must be assigned.
    ///
    /// librdkafka 2.0 sometimes answers a seek with "timed out" at once, long before its timeout (seen right after a
    /// group assignment on a busy machine); a seek is idempotent, so such an answer is retried twice, 200 ms apart.
    public func seek(_ position: KafkaTopicPartitionOffset) async throws {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await control { handle in
                    let list = RDKafkaTopicPartitionList([position])
                    if let error = list.withPointer({ rd_kafka_seek_partitions(handle, $0, 5000) }) {
                        throw KafkaError(consuming: error, while: "seeking \(position.topic)/\(position.partition) to \(position.offset)")
                    }
                    if let error = list.firstError(while: "seeking") { throw error }
                }
            } catch let error as KafkaError where error.code == RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue && attempt < 3 {
                logger.debug("seek timed out; retrying", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Reads exactly these partitions from these offsets, without the group coordinator (create the consumer with no
    /// topics). For processors that keep their own offsets and split partitions among themselves; each call replaces
    /// the previous assignment. Use `KafkaTopicPartitionOffset.noOffset` to start where `autoOffsetReset` says.
    public func assign(_ positions: [KafkaTopicPartitionOffset]) async throws {
        try await control { handle in
            let list = RDKafkaTopicPartitionList(positions)
            let result = list.withPointer { rd_kafka_assign(handle, $0) }
            if result != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(result, while: "assigning partitions") }
        }
    }

    /// Commits the given next offsets (the offset to read next) and waits for the broker's answer.
    ///
    /// On the local broker a commit sent during a rebalance is rejected: the error then has
    /// `isRebalanceConflict` (and `isRetriable`) set and may be ignored by callers that keep their own offsets.
    public func commit(_ offsets: [KafkaTopicPartitionOffset]) async throws {
        try await commit(offsets, waiting: true)
    }

    /// Sends a commit of the given next offsets and returns without waiting for the broker's answer, which is not
    /// reported (a rejection leaves the previous commit in place). For offsets kept only for monitoring: the wait for
    /// a busy broker then never holds up the caller. `close()` waits for commits still in flight.
    public func commitInBackground(_ offsets: [KafkaTopicPartitionOffset]) async throws {
        try await commit(offsets, waiting: false)
    }

    private func commit(_ offsets: [KafkaTopicPartitionOffset], waiting: Bool) async throws {
        guard !offsets.isEmpty else { return }
        try await control { handle in
            let list = RDKafkaTopicPartitionList(offsets)
            let result = list.withPointer { rd_kafka_commit(handle, $0, waiting ? 0 : 1) }
            if result != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(result, while: "committing offsets") }
            // Per-partition outcomes are known only once the broker has answered.
            if waiting, let error = list.firstError(while: "committing offsets") { throw error }
        }
    }

    /// The group's committed next offsets; `KafkaTopicPartitionOffset.noOffset` (-1001) where there is none.
    public func committed(_ partitions: [KafkaTopicPartition], timeout: Duration = .seconds(5)) async throws -> [KafkaTopicPartitionOffset] {
        guard !partitions.isEmpty else { return [] }
        return try await control { handle in
            let list = RDKafkaTopicPartitionList(partitions)
            let result = list.withPointer { rd_kafka_committed(handle, $0, Int32(clamping: timeout.milliseconds)) }
            if result != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(result, while: "reading committed offsets") }
            if let error = list.firstError(while: "reading committed offsets") { throw error }
            return list.positions
        }
    }

    /// The partitions currently assigned to this consumer.
    public func assignment() async throws -> [KafkaTopicPartition] {
        try await control { handle in
            var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
            let result = rd_kafka_assignment(handle, &list)
            if result != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(result, while: "reading the assignment") }
            return list.map { RDKafkaTopicPartitionList(taking: $0).partitions } ?? []
        }
    }

    /// The (low, high) watermarks from the broker: the first stored offset and the offset after the last message.
    public func watermarks(_ partition: KafkaTopicPartition, timeout: Duration = .seconds(5)) async throws -> (low: Int64, high: Int64) {
        let (low, high) = try await control { handle in
            var low: Int64 = 0, high: Int64 = 0
            let result = rd_kafka_query_watermark_offsets(handle, partition.topic, partition.partition, &low, &high, Int32(clamping: timeout.milliseconds))
            if result != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError(result, while: "querying watermarks of \(partition.topic)/\(partition.partition)")
            }
            return (low, high)
        }
        return (low: low, high: high)
    }

    /// Leaves the group cleanly (`rd_kafka_consumer_close`, which revokes the assignment through the rebalance
    /// handler), then destroys the handle. A poll in progress returns early. Idempotent.
    public func close() async {
        closing.withLockedValue { $0 = true }
        let task = lock.withLock {
            if let existing = closeTask { return existing }
            let task = Task { await self.performClose() }
            closeTask = task
            return task
        }
        await task.value
    }

    private func performClose() async {
        let client = self.client
        do {
            let result = try await pollWorker.run { rd_kafka_consumer_close(try client.handle()) }
            if result != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.warning("leaving the consumer group failed", metadata: ["error": "\(KafkaError(result, while: "closing"))"])
            }
        } catch {
            logger.warning("leaving the consumer group failed", metadata: ["error": "\(error)"])
        }
        await controlWorker.stop()
        await pollWorker.stop()
        client.destroy()
    }

    private func checkOpen() throws {
        if closing.withLockedValue { $0 } { throw KafkaError.closed("the Kafka consumer") }
    }

    private func control<T: Sendable>(_ body: @escaping (OpaquePointer) throws -> T) async throws -> T {
        try checkOpen()
        let client = self.client
        return try await controlWorker.run { try body(try client.handle()) }
    }
}
