import ArgumentParser
import ServiceSupport
import Mongo
import ReviewContracts

/// `api-server users set-password NAME --password-stdin`: replaces the hash and ends the account's sessions, so a
/// leaked password stops working everywhere at once.
struct UsersSetPasswordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set-password", abstract: "Set an account's password and log it out everywhere.")

    @Argument(help: "Username (any case).")
    var name: String
    @OptionGroup var password: PasswordInput
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let hash = try await password.readHash()
        let client = try MongoClient(uri: database.mongoURI, appName: "api-server-users")
        defer { client.shutdown() }
        let db = client.database(database.mongoDB)
        guard try await UserStore(database: db).setPasswordHash(username: name, to: hash) else { throw ValidationError("no user \"\(name)\"") }
        try await SessionStore(database: db, lifetime: SessionStore.maxLifetime).closeAll(userId: User.key(for: name))
        print("password set for \(name); its sessions are closed")
    }
}
