import ArgumentParser
import ServiceSupport
import Foundation
import Mongo
import ReviewContracts

/// `api-server users add NAME [--admin] [--display-name NAME] --password-stdin`.
struct UsersAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Create an account.")

    @Argument(help: "Username: 3–32 letters, digits, '.', '_' or '-'; unique regardless of case.")
    var name: String
    @Flag(help: "Give the account the admin role (simulations, management page, unpaced event stream).")
    var admin = false
    @Option(help: "Name shown in the dashboard; defaults to the username.")
    var displayName: String?
    @OptionGroup var password: PasswordInput
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard User.isValidUsername(name) else { throw ValidationError("a username has 3–32 characters: letters, digits, '.', '_' or '-', starting with a letter or digit") }
    }

    func run() async throws {
        let hash = try await password.readHash()
        let client = try MongoClient(uri: database.mongoURI, appName: "api-server-users")
        defer { client.shutdown() }
        let store = UserStore(database: client.database(database.mongoDB))
        let user = User(username: name, displayName: displayName, role: admin ? .admin : .user, passwordHash: hash)
        do {
            try await store.create(user)
        } catch let error as UserStore.UsernameTaken {
            throw ValidationError("\(error)")
        }
        print("added \(user.role.rawValue) \(user.username)")
    }
}
