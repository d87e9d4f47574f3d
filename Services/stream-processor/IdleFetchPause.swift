import Kafka
import Logging

/// Stops a statically assigned consumer's fetching while nothing arrives.
///
/// librdkafka fetches again as soon as a fetch is answered, and the local broker answers an empty fetch at once
/// instead of waiting up to `fetch.wait.max.ms` for data, so an idle processor and broker spin on empty fetches
/// (about half a core each; BENCHMARKS.md). After a quiet spell, with no write in flight and every partition read to
/// its end, the processor drops its assignment and instead asks for the partitions' end offsets every
/// `probeInterval` — a few small requests instead of thousands of fetches a second — then assigns the partitions
/// again, at the positions the results say are next, as soon as one has moved. Under load polls are never empty for
/// long, so this never engages.
///
/// Only for static assignment (`--assignment static:I/N`, what the local stack runs): a group member cannot drop its
/// partitions without a rebalance, and librdkafka 2.0's pause/resume was seen to leave partitions unfetched here.
/// Against a real Kafka broker idle fetches wait at the broker and cost little anyway.
///
/// A quiet spell with unread messages is a fetcher that stalled: the caller checks the positions stored in the
/// database against the broker's log and assigns the partitions again from there (``LogTruncationCheck``).
struct IdleFetchPause: Sendable {
    let probeInterval: Duration
    let state: ProcessorState
    let metrics: ProcessorMetrics
    let logger: Logger

    /// What the wait ended with.
    enum Outcome: Sendable, Equatable {
        /// Something arrived (or a stop was requested): the loop's next poll gets the messages.
        case work
        /// Nothing was delivered although partitions have unread messages.
        case stalled
    }

    func waitForWork(_ consumer: KafkaConsumer) async throws -> Outcome {
        let partitions = try await consumer.assignment()
        guard !partitions.isEmpty else { return .work }
        var positions = try await readPositions(partitions, consumer: consumer)
        let unread = positions.filter(\.unread)
        guard unread.isEmpty else {
            metrics.stalledPartitions.increment(by: unread.count)
            logger.warning("no message polled for a while although partitions have more; checking the stored positions", metadata: [
                "partitions": "\(unread.map { "\($0.position.partition)@\($0.position.offset)" })",
            ])
            return .stalled
        }
        try await consumer.assign([])
        metrics.fetchPaused.record(1)
        logger.debug("nothing to read: fetching stopped", metadata: ["partitions": "\(partitions.map(\.partition).sorted())"])
        do {
            while !state.stopRequested, !positions.contains(where: \.unread) {
                try await Task.sleep(for: probeInterval)
                positions = try await readPositions(partitions, consumer: consumer)
            }
        } catch {
            // Fetching must not stay off: assign at the last positions known (the stored ones, read at start if need be).
            try? await consumer.assign(positions.map(\.position))
            metrics.fetchPaused.record(0)
            throw error
        }
        try await consumer.assign(positions.map(\.position))
        metrics.fetchPaused.record(0)
        logger.debug("fetching again", metadata: ["unread": "\(positions.filter(\.unread).map(\.position.partition))"])
        return .work
    }

    struct ReadPosition: Sendable {
        /// Where reading goes on.
        let position: KafkaTopicPartitionOffset
        /// Whether the partition has messages at or after it.
        let unread: Bool
    }

    /// For each partition, where reading goes on: the position the results say is next, never before the first
    /// offset the broker still has (older ones expired).
    func readPositions(_ partitions: [KafkaTopicPartition], consumer: KafkaConsumer) async throws -> [ReadPosition] {
        var positions: [ReadPosition] = []
        for partition in partitions {
            let marks = try await consumer.watermarks(partition)
            let (offset, unread) = Self.position(next: state.next(partition), low: marks.low, high: marks.high)
            positions.append(ReadPosition(
                position: KafkaTopicPartitionOffset(topic: partition.topic, partition: partition.partition, offset: offset), unread: unread
            ))
        }
        return positions
    }

    /// Where to read next in a partition holding offsets `low..<high`, and whether there is a message there.
    static func position(next: Int64?, low: Int64, high: Int64) -> (offset: Int64, unread: Bool) {
        let offset = max(next ?? low, low)
        // A position beyond the end means the log lost its tail: that is unread work for the truncation check.
        return (offset, high != offset)
    }
}
