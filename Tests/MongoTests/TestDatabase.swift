import Foundation
import Mongo

/// The database started by `scripts/local/stack up`, and a fresh, uniquely named database per test.
enum TestDatabase {
    static let uri = ProcessInfo.processInfo.environment["MONGO_URI"]
        ?? "mongodb://127.0.0.1:27017/?replicaSet=secantus"

    /// One pool for the whole suite, as a service would have.
    static let client: MongoClient = {
        do {
            return try MongoClient(uri: uri, appName: "mongo-tests")
        } catch {
            fatalError("cannot create a MongoClient for \(uri): \(error)")
        }
    }()

    /// Runs `body` against a new database named `mongotest_<random>`, dropped afterwards whatever happens.
    static func withFreshDatabase<T>(_ body: (MongoDatabase) async throws -> T) async throws -> T {
        let database = client.database("mongotest_" + UUID().uuidString.prefix(12).lowercased())
        do {
            let result = try await body(database)
            try await database.drop()
            return result
        } catch {
            try? await database.drop()
            throw error
        }
    }
}
