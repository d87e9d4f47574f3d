import Foundation

/// A login, as stored in the `sessions` collection.
///
/// The client holds a random token; the `_id` is the token's SHA-256 (hex), so a copy of the database does not let
/// anyone act as a logged-in user. A TTL index on `expiresAt` removes sessions once they expire; each use pushes
/// `expiresAt` forward (sliding expiry) up to the configured lifetime.
public struct Session: Codable, Sendable, Equatable {
    /// SHA-256 of the token, lowercase hex.
    public var id: String
    /// The ``User/id`` (lowercased username) of the account.
    public var userId: String
    public var createdAt: Date
    public var expiresAt: Date

    public init(id: String, userId: String, createdAt: Date, expiresAt: Date) {
        self.id = id
        self.userId = userId
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case userId, createdAt, expiresAt
    }

    /// Field names for queries, updates and indexes.
    public enum Field {
        public static let id = CodingKeys.id.rawValue
        public static let userId = CodingKeys.userId.rawValue
        public static let expiresAt = CodingKeys.expiresAt.rawValue
    }
}
