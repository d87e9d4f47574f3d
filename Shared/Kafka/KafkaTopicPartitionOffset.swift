/// A position in a partition. For commits and start positions this is the offset of the next message to read.
///
/// librdkafka's logical offsets apply: -2 beginning, -1 end, -1001 "none" (for example no committed offset).
public struct KafkaTopicPartitionOffset: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64

    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    /// The partition this position is in.
    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }

    /// The offset librdkafka reports when a partition has no committed offset.
    public static let noOffset: Int64 = -1001
    /// The logical offset of the first message still stored in a partition.
    public static let beginning: Int64 = -2
    /// The logical offset just past the last message of a partition.
    public static let end: Int64 = -1
}
