/// Where a partition's results end, as stored in `offsets` in the same transaction as the results.
public struct StoredPosition: Codable, Sendable, Equatable {
    public var topic: String
    public var partition: Int
    /// The offset of the next message to count.
    public var next: Int64
    /// The key of the message at `next - 1`, when it had one. A broker that lost the tail of its log writes new
    /// messages at offsets already counted; the message found at `next - 1` then has another key.
    public var lastKey: String?

    public init(topic: String, partition: Int, next: Int64, lastKey: String? = nil) {
        self.topic = topic
        self.partition = partition
        self.next = next
        self.lastKey = lastKey
    }

    /// The document's `_id`: `topic/partition`.
    public var id: String { Self.id(topic: topic, partition: partition) }

    public static func id(topic: String, partition: Int) -> String { "\(topic)/\(partition)" }
}
