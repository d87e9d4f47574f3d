import NIOConcurrencyHelpers

/// Positions collected on a polling thread and taken by the caller.
final class RDKafkaPositionList: Sendable {
    private let positions = NIOLockedValueBox<[KafkaTopicPartitionOffset]>([])

    func append(_ position: KafkaTopicPartitionOffset) { positions.withLockedValue { $0.append(position) } }

    func takeAll() -> [KafkaTopicPartitionOffset] {
        positions.withLockedValue { positions in
            defer { positions = [] }
            return positions
        }
    }
}
