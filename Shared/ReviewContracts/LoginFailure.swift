import Foundation

/// One failed login, as stored in the `loginFailures` collection: one document for the username tried and one for the
/// client address, so every api-server behind the gateway counts the same failures. A TTL index removes them once
/// they no longer count.
public struct LoginFailure: Codable, Sendable, Equatable {
    /// `user:<lowercased username>` or `client:<address>`.
    public var key: String
    public var at: Date

    public init(key: String, at: Date) {
        self.key = key
        self.at = at
    }

    /// Field names for queries and indexes.
    public enum Field {
        public static let key = CodingKeys.key.stringValue
        public static let at = CodingKeys.at.stringValue
    }
}
