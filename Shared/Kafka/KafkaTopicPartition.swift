/// A partition of a topic.
public struct KafkaTopicPartition: Sendable, Hashable {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }
}
