import Foundation
import Mongo
import Testing

@Suite("Connection handling")
struct ConnectionTests {
    /// A TCP port on 127.0.0.1 with nothing listening: bound once to get a free number, then closed.
    static func closedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func aClosedPortFailsFastWithAConnectionError() async throws {
        let port = try Self.closedPort()
        let client = try MongoClient(
            uri: "mongodb://127.0.0.1:\(port)/?replicaSet=secantus&serverSelectionTimeoutMS=1500&connectTimeoutMS=500")
        defer { client.shutdown() }
        let started = Date()
        await #expect {
            try await client.database("any").collection("any").insertOne(["_id": 1])
        } throws: { error in
            guard case .connection = error as? MongoError else { return false }
            return true
        }
        // Bounded well above serverSelectionTimeoutMS: the point is that it fails instead of hanging, even on a busy CI machine.
        #expect(Date().timeIntervalSince(started) < 15)
    }

    @Test func anInvalidURIIsAUserError() {
        #expect {
            _ = try MongoClient(uri: "not a mongodb uri")
        } throws: { error in
            guard case .user = error as? MongoError else { return false }
            return true
        }
    }

    @Test func pingAnswersAndShutdownIsIdempotentAndFinal() async throws {
        let client = try MongoClient(uri: TestDatabase.uri, appName: "mongo-tests-shutdown")
        try await client.ping()
        client.shutdown()
        client.shutdown()
        await #expect {
            try await client.ping()
        } throws: { error in
            guard case .connection = error as? MongoError else { return false }
            return true
        }
    }

    @Test func shutdownEndsAnOpenChangeStream() async throws {
        let client = try MongoClient(uri: TestDatabase.uri, appName: "mongo-tests-stream-shutdown")
        let name = "mongotest_shutdown_" + UUID().uuidString.prefix(8).lowercased()
        try await client.database(name).collection("c").insertOne(["_id": 1])
        let stream = client.database(name).collection("c").watch()
        try await stream.waitUntilOpen()
        let started = Date()
        client.shutdown()
        #expect(Date().timeIntervalSince(started) < 3, "shutdown waits at most one server wait for the stream")
        try await TestDatabase.client.database(name).collection("c").insertOne(["_id": 2])
        var received = 0
        for try await _ in stream { received += 1 }
        #expect(received == 0)
        try await TestDatabase.client.database(name).drop()
    }
}
