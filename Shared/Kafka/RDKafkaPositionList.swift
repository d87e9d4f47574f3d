import Foundation

/// Positions collected on a polling thread and taken by the caller.
final class RDKafkaPositionList: @unchecked Sendable {
    private let lock = NSLock()
    private var positions: [KafkaTopicPartitionOffset] = []

    func append(_ position: KafkaTopicPartitionOffset) { lock.withLock { positions.append(position) } }

    func takeAll() -> [KafkaTopicPartitionOffset] {
        lock.withLock {
            defer { positions = [] }
            return positions
        }
    }
}
