import Foundation
import Kafka

/// Collects the rebalance events a consumer's handler sees (on the consumer's polling thread).
/// Unchecked Sendable: the events are behind `lock`.
final class RebalanceRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [KafkaRebalanceEvent] = []

    func record(_ event: KafkaRebalanceEvent) {
        lock.withLock { recorded.append(event) }
    }

    var events: [KafkaRebalanceEvent] { lock.withLock { recorded } }

    var assignedEvents: [[KafkaTopicPartition]] {
        events.compactMap { if case .assigned(let partitions) = $0 { partitions } else { nil } }
    }
}
