import Foundation
import Mongo
import ReviewContracts

/// The `sessions` collection: opens, finds (extending), and closes logins.
///
/// Expiry slides: each use moves `expiresAt` to `lifetime` from now, but at most once per hundredth of the lifetime
/// (about 100 minutes for 7 days), so an active dashboard costs a write now and then, not one per request.
struct SessionStore: Sendable {
    let sessions: MongoCollection
    /// How long a session lives after its last use; 7 days at most.
    let lifetime: TimeInterval

    static let maxLifetime: TimeInterval = 7 * 24 * 3600

    init(database: MongoDatabase, lifetime: TimeInterval) {
        precondition(lifetime > 0 && lifetime <= Self.maxLifetime, "session lifetime must be positive and at most 7 days")
        sessions = database.collection(AccountCollections.sessions)
        self.lifetime = lifetime
    }

    /// The TTL index lets the database delete expired sessions by itself; the `userId` index serves "log this user
    /// out everywhere".
    func prepare() async throws {
        try await sessions.createIndexes([
            MongoIndex(keys: [Session.Field.expiresAt: 1], expireAfterSeconds: 0),
            MongoIndex(keys: [Session.Field.userId: 1]),
        ])
    }

    /// Opens a session for the account and returns the token for the client (stored only as its hash).
    func open(userId: String, now: Date = Date()) async throws -> (SessionToken, Session) {
        let token = SessionToken.random()
        let session = Session(id: token.hash, userId: userId, createdAt: now, expiresAt: now.addingTimeInterval(lifetime))
        try await sessions.insertOne(session)
        return (token, session)
    }

    /// The live session the token opens, its expiry pushed forward; nil for an unknown or expired token.
    func session(for token: SessionToken, now: Date = Date()) async throws -> Session? {
        guard token.isWellFormed else { return nil }
        guard var session = try await sessions.find([Session.Field.id: .string(token.hash)], limit: 1, as: Session.self).first,
              session.expiresAt > now
        else { return nil }
        let extended = now.addingTimeInterval(lifetime)
        if extended.timeIntervalSince(session.expiresAt) > lifetime / 100 {
            try await sessions.updateOne(filter: [Session.Field.id: .string(session.id)], update: ["$set": [Session.Field.expiresAt: .date(extended)]])
            session.expiresAt = extended
        }
        return session
    }

    func close(_ token: SessionToken) async throws {
        _ = try await sessions.deleteOne([Session.Field.id: .string(token.hash)])
    }

    /// Ends every session of the account (removed, or its password changed).
    func closeAll(userId: String) async throws {
        _ = try await sessions.deleteMany([Session.Field.userId: .string(userId)])
    }
}
