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
    @Flag(help: "Read the password from the first line of standard input (required; at least 10 characters).")
    var passwordStdin = false
    @Option(help: "bcrypt cost, 12–16 [env: BCRYPT_COST].")
    var bcryptCost = EnvironmentDefault.int("BCRYPT_COST", 12)
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard passwordStdin else { throw ValidationError("pass the password on standard input with --password-stdin") }
        guard (12...16).contains(bcryptCost) else { throw ValidationError("--bcrypt-cost must be 12–16") }
    }

    func run() async throws {
        let password = try PasswordInput.read()
        let client = try MongoClient(uri: database.mongoURI, appName: "api-server-users")
        defer { client.shutdown() }
        let db = client.database(database.mongoDB)
        let hash = try await PasswordHasher(cost: UInt8(bcryptCost)).hash(password)
        guard try await UserStore(database: db).setPasswordHash(username: name, to: hash) else { throw ValidationError("no user \"\(name)\"") }
        try await SessionStore(database: db, lifetime: SessionStore.maxLifetime).closeAll(userId: User.key(for: name))
        print("password set for \(name); its sessions are closed")
    }
}
