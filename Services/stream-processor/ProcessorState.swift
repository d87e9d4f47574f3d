import Foundation
import Kafka

/// What the loop, the rebalance callback and the health endpoint share: assigned partitions and how far each has
/// been written, whether a stop was requested, and why the processor is not ready.
final class ProcessorState: @unchecked Sendable {
    private let lock = NSLock()
    private var nextOffsets: [KafkaTopicPartition: Int64] = [:]
    private var stopping = false
    private var consuming = false
    private var modelProblem: String? = "loading the model"

    var stopRequested: Bool { lock.withLock { stopping } }
    func requestStop() { lock.withLock { stopping = true } }

    var readiness: String? {
        lock.withLock {
            if let modelProblem { return modelProblem }
            return consuming ? nil : "not consuming"
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
        lock.withLock { nextOffsets.merge(offsets, uniquingKeysWith: max) }
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
