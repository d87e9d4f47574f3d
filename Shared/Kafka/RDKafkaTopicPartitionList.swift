internal import CRdKafka

/// Owns an `rd_kafka_topic_partition_list_t` and converts it to and from the module's value types.
final class RDKafkaTopicPartitionList {
    private let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(_ partitions: [KafkaTopicPartition]) {
        pointer = rd_kafka_topic_partition_list_new(Int32(partitions.count))
        for partition in partitions {
            rd_kafka_topic_partition_list_add(pointer, partition.topic, partition.partition)
        }
    }

    init(_ positions: [KafkaTopicPartitionOffset]) {
        pointer = rd_kafka_topic_partition_list_new(Int32(positions.count))
        for position in positions {
            rd_kafka_topic_partition_list_add(pointer, position.topic, position.partition).pointee.offset = position.offset
        }
    }

    /// Takes ownership of a list librdkafka allocated for the caller.
    init(taking pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        self.pointer = pointer
    }

    deinit { rd_kafka_topic_partition_list_destroy(pointer) }

    /// The raw list for one C call; the list stays alive until `body` returns.
    func withPointer<T>(_ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) throws -> T) rethrows -> T {
        try withExtendedLifetime(self) { try body(pointer) }
    }

    static func topics(_ names: [String]) -> RDKafkaTopicPartitionList {
        // Subscriptions ignore the partition; librdkafka's convention is RD_KAFKA_PARTITION_UA.
        RDKafkaTopicPartitionList(names.map { KafkaTopicPartition(topic: $0, partition: -1) })
    }

    var partitions: [KafkaTopicPartition] { Self.partitions(of: pointer) }
    var positions: [KafkaTopicPartitionOffset] { elements.map { KafkaTopicPartitionOffset(topic: String(cString: $0.topic), partition: $0.partition, offset: $0.offset) } }

    /// The first per-partition error, if any element carries one.
    func firstError(while action: String) -> KafkaError? {
        for element in elements where element.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            return KafkaError(element.err, while: "\(action) (\(String(cString: element.topic))/\(element.partition))")
        }
        return nil
    }

    private var elements: UnsafeBufferPointer<rd_kafka_topic_partition_t> {
        UnsafeBufferPointer(start: pointer.pointee.elems, count: Int(pointer.pointee.cnt))
    }

    static func partitions(of list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> [KafkaTopicPartition] {
        UnsafeBufferPointer(start: list.pointee.elems, count: Int(list.pointee.cnt)).map {
            KafkaTopicPartition(topic: String(cString: $0.topic), partition: $0.partition)
        }
    }
}
