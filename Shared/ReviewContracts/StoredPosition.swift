import Foundation

/// Where a partition's results end, as stored in `offsets` in the same transaction as the results.
public struct StoredPosition: Codable, Sendable, Equatable {
    public var topic: String
    public var partition: Int
    /// The offset of the next message to count.
    public var next: Int64
    /// The key of the message at `next - 1`, when it had one. A broker that lost the tail of its log writes new
    /// messages at offsets already counted; the message found at `next - 1` then has another key.
    public var lastKey: String?
    public var updatedAt: Date?

    public enum CodingKeys: String, CodingKey {
        case id = "_id"
        case topic, partition, next, lastKey, updatedAt
    }

    public init(topic: String, partition: Int, next: Int64, lastKey: String? = nil, updatedAt: Date? = nil) {
        self.topic = topic
        self.partition = partition
        self.next = next
        self.lastKey = lastKey
        self.updatedAt = updatedAt
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        topic = try container.decode(String.self, forKey: .topic)
        partition = try container.decode(Int.self, forKey: .partition)
        next = try container.decode(Int64.self, forKey: .next)
        lastKey = try container.decodeIfPresent(String.self, forKey: .lastKey)
        updatedAt = try container.decodeIfPresent(Date.self, forKey: .updatedAt)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(topic, forKey: .topic)
        try container.encode(partition, forKey: .partition)
        try container.encode(next, forKey: .next)
        try container.encodeIfPresent(lastKey, forKey: .lastKey)
        try container.encodeIfPresent(updatedAt, forKey: .updatedAt)
    }

    /// The document's `_id`: `topic/partition`.
    public var id: String { Self.id(topic: topic, partition: partition) }

    public static func id(topic: String, partition: Int) -> String { "\(topic)/\(partition)" }
}
