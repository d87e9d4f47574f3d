import Foundation

/// A document of `processor_sessions`: the server sessions one stream-processor instance ran its transactions on.
///
/// A processor killed mid-batch leaves its transaction open, holding write locks on the offsets it was writing until
/// the server's transaction lifetime (60 s) ends it; the next start of the same instance ends exactly these
/// sessions (`killSessions`) and no other client's.
public struct ProcessorSessions: Codable, Sendable, Equatable {
    /// The instance: consumer group and partition assignment (`stream-processor/static:0/2`).
    public var id: String
    /// Server session ids (base64 UUIDs).
    public var sessions: [String]
    public var updatedAt: Date?

    public init(id: String, sessions: [String], updatedAt: Date? = nil) {
        self.id = id
        self.sessions = sessions
        self.updatedAt = updatedAt
    }

    public enum CodingKeys: String, CodingKey {
        case id = "_id", sessions, updatedAt
    }
}
