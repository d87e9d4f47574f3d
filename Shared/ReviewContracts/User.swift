import Foundation

/// An account, as stored in the `users` collection.
///
/// The `_id` is the username lowercased (``User/key(for:)``), so the primary key itself keeps usernames unique without
/// regard to case and a login looks the account up by `_id`. Only a bcrypt hash of the password is ever stored.
public struct User: Codable, Sendable, Equatable {
    /// The lowercased username; also the id sessions and reviews refer to.
    public var id: String
    /// The username as its owner typed it when the account was created.
    public var username: String
    public var displayName: String
    public var role: UserRole
    /// A bcrypt hash (`$2b$<cost>$…`), never the password.
    public var passwordHash: String
    public var createdAt: Date
    public var lastLoginAt: Date?

    public init(username: String, displayName: String? = nil, role: UserRole, passwordHash: String, createdAt: Date = Date(), lastLoginAt: Date? = nil) {
        self.id = User.key(for: username)
        self.username = username
        self.displayName = displayName ?? username
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.lastLoginAt = lastLoginAt
    }

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case username, displayName, role, passwordHash, createdAt, lastLoginAt
    }

    /// Field names for queries and updates, in the one place the coding keys are declared.
    public enum Field {
        public static let id = CodingKeys.id.rawValue
        public static let passwordHash = CodingKeys.passwordHash.rawValue
        public static let lastLoginAt = CodingKeys.lastLoginAt.rawValue
        public static let role = CodingKeys.role.rawValue
    }

    /// The stored key of a username: lowercased, so `Alice` and `alice` are one account.
    public static func key(for username: String) -> String { username.lowercased() }

    /// Whether `username` is acceptable for a new account: 3–32 characters of ASCII letters, digits, `.`, `_`, `-`,
    /// starting with a letter or digit. Keeping it to ASCII makes lowercasing unambiguous and names safe in URLs and logs.
    public static func isValidUsername(_ username: String) -> Bool {
        let bytes = Array(username.utf8)
        guard (3...32).contains(bytes.count), let first = bytes.first, isAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
