/// A message to produce.
public struct KafkaProducerMessage: Sendable {
    public var topic: String
    /// The partitioning key; `nil` lets librdkafka pick a partition.
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    /// An explicit partition, overriding the key-based choice.
    public var partition: Int32?

    public init(topic: String, key: [UInt8]? = nil, value: [UInt8], headers: [KafkaHeader] = [], partition: Int32? = nil) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
    }

    /// A message whose key and value are the UTF-8 encodings of the given strings.
    public init(topic: String, key: String?, value: String, headers: [KafkaHeader] = []) {
        self.init(topic: topic, key: key.map { Array($0.utf8) }, value: Array(value.utf8), headers: headers)
    }
}
