import ArgumentParser
import Mongo
import ReviewContracts

/// `api-server users remove NAME`: deletes the account and ends its sessions. Its reviews stay, with its id.
struct UsersRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Delete an account and log it out everywhere.")

    @Argument(help: "Username (any case).")
    var name: String
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let client = try MongoClient(uri: database.mongoURI, appName: "api-server-users")
        defer { client.shutdown() }
        let db = client.database(database.mongoDB)
        guard try await UserStore(database: db).remove(username: name) else { throw ValidationError("no user \"\(name)\"") }
        try await SessionStore(database: db, lifetime: SessionStore.maxLifetime).closeAll(userId: User.key(for: name))
        print("removed \(name)")
    }
}
