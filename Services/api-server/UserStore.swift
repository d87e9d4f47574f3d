import Foundation
import Mongo
import ReviewContracts

/// The `users` collection, read and written as ``User`` documents. The lowercased username is the `_id`, so the
/// primary key's uniqueness is the case-insensitive uniqueness of usernames.
struct UserStore: Sendable {
    let users: MongoCollection

    init(database: MongoDatabase) {
        users = database.collection(AccountCollections.users)
    }

    func user(named username: String) async throws -> User? {
        try await user(id: User.key(for: username))
    }

    func user(id: String) async throws -> User? {
        try await users.find([User.Field.id: .string(id)], limit: 1, as: User.self).first
    }

    /// Stores a new account; throws ``UsernameTaken`` when the name (in any case) exists.
    func create(_ user: User) async throws {
        do {
            try await users.insertOne(user)
        } catch let error as MongoError where error.isDuplicateKey {
            throw UsernameTaken(username: user.username)
        }
    }

    /// Every account, by username.
    func all() async throws -> [User] {
        try await users.find([:], sort: [User.Field.id: 1], as: User.self)
    }

    /// Removes the account; false when there was none.
    func remove(username: String) async throws -> Bool {
        try await users.deleteOne([User.Field.id: .string(User.key(for: username))]) > 0
    }

    /// Replaces the password hash; false when there is no such account.
    func setPasswordHash(username: String, to hash: String) async throws -> Bool {
        let result = try await users.updateOne(
            filter: [User.Field.id: .string(User.key(for: username))],
            update: ["$set": [User.Field.passwordHash: .string(hash)]]
        )
        return result.matchedCount > 0
    }

    func recordLogin(id: String, at date: Date) async throws {
        try await users.updateOne(filter: [User.Field.id: .string(id)], update: ["$set": [User.Field.lastLoginAt: .date(date)]])
    }

    struct UsernameTaken: Error, CustomStringConvertible {
        let username: String
        var description: String { "the username \"\(username)\" is taken" }
    }
}
