import HummingbirdBcrypt
import NIOPosix

/// bcrypt hashing and checking of passwords, on NIO's blocking thread pool: one hash at cost 12 takes a few hundred
/// milliseconds of CPU, which must not stall an event loop or Swift's cooperative pool.
struct PasswordHasher: Sendable {
    /// log2 of bcrypt's rounds; at least 12.
    let cost: UInt8
    /// A hash of a random password at the same cost. A login for a username that does not exist is checked against
    /// it, so it takes as long as a wrong password for one that does: the timing does not tell which names exist.
    let dummyHash: String

    /// Longest accepted password in UTF-8 bytes: bcrypt reads only the first 72, so a longer one would silently
    /// match anything sharing its first 72 bytes.
    static let maxPasswordBytes = 72
    /// Shortest accepted new password.
    static let minPasswordCharacters = 10

    init(cost: UInt8 = 12) {
        precondition(cost >= 12 && cost <= 31, "bcrypt cost must be 12–31")
        self.cost = cost
        let random = SessionToken.random().value
        dummyHash = Bcrypt.hash(random, cost: cost)
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Checks `password` against `hash`, or against ``dummyHash`` when there is no account (always false then).
    func verify(_ password: String, against hash: String?) async throws -> Bool {
        let stored = hash ?? dummyHash
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: stored) }
        return matches && hash != nil
    }

    /// Why `password` cannot be a new password, or nil when it can.
    static func problem(with password: String) -> String? {
        if password.count < minPasswordCharacters { return "The password must have at least \(minPasswordCharacters) characters." }
        if password.utf8.count > maxPasswordBytes { return "The password must be at most \(maxPasswordBytes) bytes (bcrypt ignores the rest)." }
        return nil
    }
}
