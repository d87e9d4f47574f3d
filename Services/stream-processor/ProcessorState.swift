import Foundation
import Kafka

/// What the loop, the rebalance callback and the health endpoint share: assigned partitions and how far each has
/// been written, whether a stop was requested, and why the processor is not ready.
/// Unchecked Sendable: every mutable field is read and written under `lock`.
final class ProcessorState: @unchecked Sendable {
    private let lock = NSLock()
    private var nextOffsets: [KafkaTopicPartition: Int64] = [:]
    private var stopping = false
    private var consuming = false
    private var modelProblem: String? = "loading the model"
    /// Why the processor is not doing its work although it runs, by cause (``Problem``).
    private var problems: [Problem: String] = [:]
    private var verificationRequested = true
    /// Partitions re-read after a truncation, with the offset up to which the re-read goes.
    private var rereading: [KafkaTopicPartition: Int64] = [:]
    private var stalls = 0

    /// Causes of unreadiness while consuming.
    enum Problem: String, Comparable {
        case verifying, truncated, stuck, stalled
        static func < (a: Problem, b: Problem) -> Bool { a.rawValue < b.rawValue }
    }

    var stopRequested: Bool { lock.withLock { stopping } }
    func requestStop() { lock.withLock { stopping = true } }

    var readiness: String? {
        lock.withLock {
            if let modelProblem { return modelProblem }
            if let problem = problems.sorted(by: { $0.key < $1.key }).first { return problem.value }
            return consuming ? nil : "not consuming"
        }
    }

    func setProblem(_ problem: Problem, _ reason: String?) { lock.withLock { problems[problem] = reason } }

    /// Asks the loop to check its positions against the broker's log before it writes again (at start, after a
    /// broker connection was lost, when a fetch was out of range, when fetching stalled).
    func requestVerification() { lock.withLock { verificationRequested = true } }

    /// True once per request.
    func takeVerificationRequest() -> Bool {
        lock.withLock {
            defer { verificationRequested = false }
            return verificationRequested
        }
    }

    /// A truncated partition is re-read from `offset` up to `until`; /ready says so until it has been.
    func rewind(_ partition: KafkaTopicPartition, to offset: Int64, rereadingUntil until: Int64, reason: String) {
        lock.withLock {
            nextOffsets[partition] = offset
            rereading[partition] = until
            problems[.truncated] = reason
        }
    }

    /// Fetching found nothing while partitions have more; /ready says so after a few times in a row.
    func noteStall() {
        lock.withLock {
            stalls += 1
            if stalls >= 3 { problems[.stalled] = "no progress: \(stalls) checks in a row found unread messages that were not delivered" }
        }
    }

    func setWaitingForModel(_ reason: String) { lock.withLock { modelProblem = reason } }
    func setConsumer(_ running: Bool) { lock.withLock { consuming = running; if running { modelProblem = nil } } }

    func assign(_ partitions: [KafkaTopicPartition], stored: [KafkaTopicPartition: Int64]) {
        lock.withLock { for partition in partitions { nextOffsets[partition] = stored[partition] ?? 0 } }
    }

    func forget(_ partitions: [KafkaTopicPartition]) {
        lock.withLock { for partition in partitions { nextOffsets[partition] = nil } }
    }

    func advance(_ offsets: [KafkaTopicPartition: Int64]) {
        lock.withLock {
            nextOffsets.merge(offsets, uniquingKeysWith: max)
            guard !offsets.isEmpty else { return }
            stalls = 0
            problems[.stalled] = nil
            rereading = rereading.filter { partition, until in (nextOffsets[partition] ?? 0) < until }
            if rereading.isEmpty { problems[.truncated] = nil }
        }
    }

    /// Sets positions as they are (a verification may move them back).
    func reset(_ positions: [KafkaTopicPartition: Int64]) {
        lock.withLock { nextOffsets.merge(positions) { _, new in new } }
    }

    func next(_ partition: KafkaTopicPartition) -> Int64? { lock.withLock { nextOffsets[partition] } }

    /// The partitions this member owns, whether or not it is fetching them right now (``IdleFetchPause`` drops the
    /// consumer's assignment while idle).
    var partitions: [KafkaTopicPartition] { lock.withLock { Array(nextOffsets.keys) } }

    /// False for a message this member already wrote (a re-delivery), so it is not dead-lettered twice.
    func isUnprocessed(_ message: KafkaConsumerMessage) -> Bool {
        lock.withLock { message.offset >= nextOffsets[KafkaTopicPartition(topic: message.topic, partition: message.partition)] ?? 0 }
    }
}
