import ArgumentParser
import Foundation
import Mongo

/// `api-server users list`: one line per account, never a hash.
struct UsersListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the accounts.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let client = try MongoClient(uri: database.mongoURI, appName: "api-server-users")
        defer { client.shutdown() }
        let users = try await UserStore(database: client.database(database.mongoDB)).all()
        let dates = ISO8601DateFormatter()
        print(["USERNAME", "ROLE", "DISPLAY NAME", "CREATED", "LAST LOGIN"].joined(separator: "\t"))
        for user in users {
            print([user.username, user.role.rawValue, user.displayName, dates.string(from: user.createdAt),
                   user.lastLoginAt.map { dates.string(from: $0) } ?? "never"].joined(separator: "\t"))
        }
    }
}
