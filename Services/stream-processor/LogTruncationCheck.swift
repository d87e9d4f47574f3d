import Foundation
import Kafka
import Logging
import ReviewContracts
import StreamCore

/// Checks stored positions against the broker's log, which may have lost its tail.
///
/// A broker stopped while producers write (the local development broker; a Kafka cluster after an unclean leader
/// election) can come back with shorter partitions and then write new messages at offsets the results already
/// count. Reading on from the stored position would skip those messages without a word. So, whenever the processor
/// starts, reconnects, is told a fetch was out of range, or stalls, each partition is checked: the stored position
/// must not lie beyond the partition's end, and the message just before it must still carry the key stored with it.
/// A partition that fails is read again from `rewind` messages before the broker's end; review ids counted before are
/// recognised and not counted twice (``MicroBatch/unseen(storedNext:storedIDs:)``).
struct LogTruncationCheck: Sendable {
    let brokers: [String]
    /// The processor's consumer group; the check's consumer is named after it (`<group>-log-check`).
    let group: String
    var security = KafkaSecurity()
    let rewind: Int64
    let logger: Logger

    /// What was found for one partition.
    struct Finding: Sendable, Equatable {
        let partition: KafkaTopicPartition
        /// Where reading goes on.
        let resumeAt: Int64
        /// Why the stored position was not kept; nil when it was.
        let truncation: String?
        /// For a truncation: up to which offset the partition is being read again.
        let rereadUntil: Int64
    }

    func run(_ partitions: [KafkaTopicPartition], stored: [KafkaTopicPartition: StoredPosition], consumer: KafkaConsumer) async throws -> [Finding] {
        var findings: [Finding] = [], keyChecks: [(KafkaTopicPartition, StoredPosition, low: Int64, high: Int64)] = []
        for partition in partitions {
            let marks = try await consumer.watermarks(partition)
            guard let position = stored[partition] else {
                findings.append(Finding(partition: partition, resumeAt: marks.low, truncation: nil, rereadUntil: 0))
                continue
            }
            if let verdict = Self.judge(next: position.next, low: marks.low, high: marks.high, rewind: rewind) {
                findings.append(Finding(partition: partition, resumeAt: verdict.resumeAt, truncation: verdict.reason, rereadUntil: marks.high))
            } else if position.lastKey != nil, position.next - 1 >= marks.low {
                keyChecks.append((partition, position, marks.low, marks.high))
            } else {
                findings.append(Finding(partition: partition, resumeAt: max(position.next, marks.low), truncation: nil, rereadUntil: 0))
            }
        }
        guard !keyChecks.isEmpty else { return findings }
        let keys = try await keysBefore(keyChecks.map { ($0.0, $0.1.next) })
        for (partition, position, low, high) in keyChecks {
            let found = keys[partition] ?? nil
            if found == position.lastKey {
                findings.append(Finding(partition: partition, resumeAt: position.next, truncation: nil, rereadUntil: 0))
            } else {
                let resume = max(low, position.next - rewind)
                findings.append(Finding(
                    partition: partition, resumeAt: resume,
                    truncation: "the message at offset \(position.next - 1) has key \(found ?? "none"), not the stored \(position.lastKey ?? "none"): the log lost its tail and re-used offsets",
                    rereadUntil: high
                ))
            }
        }
        return findings
    }

    /// The verdict from offsets alone: nil when the stored position lies inside the log.
    static func judge(next: Int64, low: Int64, high: Int64, rewind: Int64) -> (resumeAt: Int64, reason: String?)? {
        if next > high {
            return (max(low, high - rewind), "stored position \(next) is beyond the partition's end \(high): the log lost its tail")
        }
        if next < low {
            // Retention removed messages before they were read: nothing to re-read, and nothing re-used.
            return (low, nil)
        }
        return nil
    }

    /// The key of the message just before each position, read with a throwaway consumer (so the main consumer's
    /// fetch state is untouched). Throws if the broker does not deliver every one within a few seconds.
    private func keysBefore(_ positions: [(KafkaTopicPartition, Int64)]) async throws -> [KafkaTopicPartition: String?] {
        // Assigned partitions only: the group is never joined and nothing is committed, so instances may share its id.
        var configuration = KafkaConsumerConfiguration(bootstrapServers: brokers, groupID: "\(group)-log-check")
        configuration.clientID = "stream-processor-log-check"
        configuration.security = security
        configuration.autoOffsetReset = .error
        let reader = try KafkaConsumer(configuration: configuration, topics: [], logger: logger)
        defer { Task { await reader.close() } }
        try await reader.assign(positions.map { KafkaTopicPartitionOffset(topic: $0.0.topic, partition: $0.0.partition, offset: $0.1 - 1) })
        var keys: [KafkaTopicPartition: String?] = [:]
        let deadline = ContinuousClock.now + .seconds(5)
        let wanted = Dictionary(positions.map { ($0.0, $0.1 - 1) }) { first, _ in first }
        while keys.count < wanted.count, ContinuousClock.now < deadline {
            for message in try await reader.poll(maxMessages: 100, timeout: .milliseconds(200)) {
                let partition = KafkaTopicPartition(topic: message.topic, partition: message.partition)
                if wanted[partition] == message.offset, keys[partition] == nil { keys[partition] = .some(message.keyString) }
            }
            for position in reader.takeOutOfRangePositions() {
                // Gone between the watermark read and the fetch: no key there.
                keys[KafkaTopicPartition(topic: position.topic, partition: position.partition)] = .some(nil)
            }
        }
        guard keys.count == wanted.count else {
            throw KafkaError(code: KafkaError.Code.timedOut, message: "reading the messages before the stored positions timed out")
        }
        return keys
    }
}
