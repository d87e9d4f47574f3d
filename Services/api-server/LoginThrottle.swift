import Foundation
import Mongo
import ReviewContracts

/// Limits password guessing: after `limit` failed logins within `window` for a username, or from a client address,
/// further attempts for it get 429 until the oldest counted failure leaves the window.
///
/// Failures are documents in the database rather than counters in memory, so every api-server behind the gateway
/// sees the same count; a TTL index deletes them once they no longer count.
struct LoginThrottle: Sendable {
    let failures: MongoCollection
    var limit = 10
    var window: TimeInterval = 15 * 60

    init(database: MongoDatabase, limit: Int = 10, window: TimeInterval = 15 * 60) {
        failures = database.collection(AccountCollections.loginFailures)
        self.limit = limit
        self.window = window
    }

    func prepare() async throws {
        try await failures.createIndexes([
            MongoIndex(keys: [LoginFailure.Field.at: 1], expireAfterSeconds: Int(window)),
            MongoIndex(keys: [LoginFailure.Field.key: 1, LoginFailure.Field.at: 1]),
        ])
    }

    /// Seconds until a login for `username` from `client` may be tried again, or nil when it may be tried now.
    func retryAfter(username: String, client: String?, now: Date = Date()) async throws -> Int? {
        var longest: TimeInterval?
        for key in Self.keys(username: username, client: client) {
            let recent = try await failures.find(
                [LoginFailure.Field.key: .string(key), LoginFailure.Field.at: ["$gt": .date(now.addingTimeInterval(-window))]],
                sort: [LoginFailure.Field.at: -1], limit: limit, as: LoginFailure.self
            )
            // The limit-th newest failure is the one whose expiry brings the count under the limit.
            guard recent.count >= limit, let oldest = recent.last else { continue }
            let wait = oldest.at.addingTimeInterval(window).timeIntervalSince(now)
            longest = max(longest ?? 0, wait)
        }
        return longest.map { max(1, Int($0.rounded(.up))) }
    }

    func recordFailure(username: String, client: String?, now: Date = Date()) async throws {
        let documents = try Self.keys(username: username, client: client).map { try BSONEncoder().encode(LoginFailure(key: $0, at: now)) }
        try await failures.insertMany(documents, ordered: false)
    }

    /// Forgets the username's failures after a successful login. The client's stay: logging into one's own account
    /// must not reset the count of guesses at others'.
    func clear(username: String) async throws {
        _ = try await failures.deleteMany([LoginFailure.Field.key: .string(Self.userKey(username))])
    }

    static func userKey(_ username: String) -> String { "user:" + User.key(for: username) }

    static func keys(username: String, client: String?) -> [String] {
        [userKey(username)] + (client.map { ["client:" + $0] } ?? [])
    }
}
