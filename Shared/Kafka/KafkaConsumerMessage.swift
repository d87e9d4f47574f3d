import Foundation

/// A message read by a `KafkaConsumer`; its bytes are copied out of librdkafka.
public struct KafkaConsumerMessage: Sendable {
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public let key: [UInt8]?
    public let value: [UInt8]
    public let headers: [KafkaHeader]
    /// The record's timestamp, if the broker set one.
    public let timestamp: Date?

    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader], timestamp: Date?) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    /// The key as UTF-8 text; nil when there is no key or it is not valid UTF-8.
    public var keyString: String? { key.flatMap { String(bytes: $0, encoding: .utf8) } }
    /// The value as UTF-8 text; nil when it is not valid UTF-8.
    public var valueString: String? { String(bytes: value, encoding: .utf8) }
    /// The value of the first header named `key`, as UTF-8 text.
    public func headerString(_ key: String) -> String? {
        headers.first { $0.key == key }?.value.flatMap { String(bytes: $0, encoding: .utf8) }
    }
}
