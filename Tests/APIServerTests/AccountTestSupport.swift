import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Mongo
import ReviewContracts

@testable import APIServer

/// An api-server configuration on a database of its own, and helpers to make accounts and log in.
struct AccountFixture {
    let databaseName = TestStack.unique("acct")
    let topic = TestStack.unique("reviews")
    var configuration: APIServerConfiguration

    init(_ adjust: (inout APIServerConfiguration) -> Void = { _ in }) {
        var configuration = APIServerConfiguration()
        configuration.kafkaBrokers = TestStack.kafkaBrokers
        configuration.mongoURI = TestStack.mongoURI
        configuration.mongoDatabase = databaseName
        configuration.reviewsTopic = topic
        configuration.partitions = 1
        adjust(&configuration)
        self.configuration = configuration
    }

    var database: MongoDatabase { get throws { try MongoClient(uri: TestStack.mongoURI).database(databaseName) } }

    /// Stores an account the way `api-server users add` does.
    func addUser(_ name: String, password: String, role: UserRole = .user) async throws {
        let hash = try await PasswordHasher(cost: 12).hash(password)
        try await UserStore(database: database).create(User(username: name, role: role, passwordHash: hash))
    }

    func drop() async {
        try? await database.drop()
    }
}

extension TestClientProtocol {
    func postJSON(_ path: String, _ body: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/json"
        return try await execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    /// Logs in and returns the token and the cookie header value.
    func login(_ name: String, _ password: String, client: String = "10.0.0.1") async throws -> (token: String, cookie: String) {
        let response = try await postJSON("/api/v1/login", #"{"username": "\#(name)", "password": "\#(password)"}"#,
                                          headers: [HTTPField.Name("X-Forwarded-For")!: client])
        guard response.status == .ok else { throw LoginFailed(status: response.status.code) }
        let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        let token = body?["token"] as? String ?? ""
        return (token, "session=\(token)")
    }
}

struct LoginFailed: Error {
    let status: Int
}

func json(_ response: TestResponse) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
}

func bearer(_ token: String) -> HTTPFields {
    [.authorization: "Bearer \(token)"]
}
