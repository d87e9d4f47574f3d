import Foundation
import Mongo

/// The account side of the api-server: who exists, who is logged in, who failed to, and how passwords are checked.
struct Accounts: Sendable {
    let users: UserStore
    let sessions: SessionStore
    let throttle: LoginThrottle
    let hasher: PasswordHasher

    init(database: MongoDatabase, sessionLifetime: TimeInterval, bcryptCost: UInt8) {
        users = UserStore(database: database)
        sessions = SessionStore(database: database, lifetime: sessionLifetime)
        throttle = LoginThrottle(database: database)
        hasher = PasswordHasher(cost: bcryptCost)
    }

    /// Creates the TTL and lookup indexes (a no-op when they exist).
    func prepare() async throws {
        try await sessions.prepare()
        try await throttle.prepare()
    }
}
