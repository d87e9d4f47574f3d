import Foundation
import Mongo
import ReviewContracts
import Testing

@testable import APIServer

/// The built `api-server users …` commands against the real database.
@Suite("api-server users")
struct UsersCommandTests {
    let databaseName = TestStack.unique("users")

    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil, expectSuccess: Bool = true) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = TestStack.packageRoot.appendingPathComponent(".build/debug/api-server")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["MONGO_URI"] = TestStack.mongoURI
        environment["MONGO_DB"] = databaseName
        process.environment = environment
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if expectSuccess { #expect(process.terminationStatus == 0, "\(arguments): \(text)") }
        return (process.terminationStatus, text)
    }

    @Test(.timeLimit(.minutes(2)))
    func addListSetPasswordAndRemoveStoreOnlyBcryptHashes() async throws {
        let database = try MongoClient(uri: TestStack.mongoURI).database(databaseName)
        defer { Task { try? await database.drop() } }
        try run(["users", "add", "Admin.One", "--admin", "--password-stdin"], stdin: "first password 1\n")
        try run(["users", "add", "plain", "--display-name", "Plain Person", "--password-stdin"], stdin: "second password 2\n")

        let users = UserStore(database: database)
        let admin = try #require(try await users.user(named: "admin.one"))
        #expect(admin.username == "Admin.One")
        #expect(admin.role == .admin)
        #expect(admin.passwordHash.hasPrefix("$2b$12$"))
        #expect(try await PasswordHasher(cost: 12).verify("first password 1", against: admin.passwordHash))
        let stored = try await database.collection(AccountCollections.users).find([:])
        #expect(stored.count == 2)
        #expect(!stored.map { $0.extendedJSON() }.joined().contains("password 1"))
        #expect(try await users.user(named: "plain")?.displayName == "Plain Person")

        let listed = try run(["users", "list"]).output
        #expect(listed.contains("Admin.One\tadmin"))
        #expect(listed.contains("plain\tuser"))
        #expect(!listed.contains("$2b$"))

        // Names are unique whatever their case; bad input is refused before anything is stored.
        #expect(try run(["users", "add", "ADMIN.ONE", "--password-stdin"], stdin: "third password 3\n", expectSuccess: false).status != 0)
        #expect(try run(["users", "add", "shorty", "--password-stdin"], stdin: "short\n", expectSuccess: false).status != 0)
        #expect(try run(["users", "add", "nopass"], expectSuccess: false).status != 0)
        #expect(try await database.collection(AccountCollections.users).countDocuments() == 2)

        let sessions = SessionStore(database: database, lifetime: 3600)
        _ = try await sessions.open(userId: "admin.one")
        try run(["users", "set-password", "admin.one", "--password-stdin"], stdin: "changed password 4\n")
        let changed = try #require(try await users.user(named: "Admin.One"))
        #expect(try await PasswordHasher(cost: 12).verify("changed password 4", against: changed.passwordHash))
        #expect(!(try await PasswordHasher(cost: 12).verify("first password 1", against: changed.passwordHash)))
        #expect(try await database.collection(AccountCollections.sessions).countDocuments() == 0)

        try run(["users", "remove", "PLAIN"])
        #expect(try await users.user(named: "plain") == nil)
        #expect(try run(["users", "remove", "plain"], expectSuccess: false).status != 0)
    }

    @Test func theServerIsStillTheDefaultSubcommand() throws {
        let help = try run(["--help"]).output
        #expect(help.contains("users"))
        let serverHelp = try run(["serve", "--help"]).output
        #expect(serverHelp.contains("--anonymous-reviews"))
        #expect(serverHelp.contains("--kafka-brokers"))
        // A server flag without a subcommand goes to the server, which rejects this port before starting.
        let bad = try run(["--port", "0"], expectSuccess: false)
        #expect(bad.status != 0)
        #expect(bad.output.contains("--port must be 1–65535"))
    }
}
