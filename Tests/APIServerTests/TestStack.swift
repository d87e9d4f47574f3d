import AsyncHTTPClient
import Foundation
import Kafka
import Logging
import Mongo

/// The broker and database started by `scripts/local/stack up` (the test command sets these variables).
enum TestStack {
    static let kafkaBrokers = [ProcessInfo.processInfo.environment["KAFKA_BROKERS"] ?? "127.0.0.1:9092"]
    static let mongoURI = ProcessInfo.processInfo.environment["MONGO_URI"] ?? "mongodb://127.0.0.1:27017/?replicaSet=secantus"
    static let logger = Logger(label: "test")

    /// A name no other test uses, for topics, groups and databases.
    static func unique(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

    /// The package's root, for fixtures and built binaries.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The high watermark summed over the topic's partitions: how many messages it holds.
    static func messageCount(topic: String) async throws -> Int64 {
        let admin = try KafkaAdmin(bootstrapServers: kafkaBrokers, logger: logger)
        defer { admin.close() }
        let partitions = try await admin.partitionCount(topic: topic) ?? 0
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(bootstrapServers: kafkaBrokers, groupID: unique("count")), topics: [], logger: logger
        )
        var total: Int64 = 0
        for partition in 0..<partitions {
            total += try await consumer.watermarks(KafkaTopicPartition(topic: topic, partition: Int32(partition))).high
        }
        await consumer.close()
        return total
    }
}

extension TestStack {
    static let fixture = packageRoot.appendingPathComponent("Tests/Fixtures/reviews-sample.jsonl")

    static func fixtureTexts() throws -> [String] {
        try String(contentsOf: fixture, encoding: .utf8).split(separator: "\n").compactMap { line in
            (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["reviewText"] as? String
        }
    }

    static func dropDatabase(_ name: String) async throws {
        try await MongoClient(uri: mongoURI).database(name).drop()
    }
}

/// The real `stream-processor` binary, run against the test stack with a model the real `trainer` fits on the fixture.
/// Unchecked Sendable: the Process is started in `init` and only signalled and waited for after.
final class TestProcessor: @unchecked Sendable {
    private let process = Process()

    init(topic: String, database: String) throws {
        let binaries = TestStack.packageRoot.appendingPathComponent(".build/debug")
        let model = FileManager.default.temporaryDirectory.appendingPathComponent("\(database)-model.json")
        let trainer = Process()
        trainer.executableURL = binaries.appendingPathComponent("trainer")
        trainer.arguments = ["--data", TestStack.fixture.path, "--model", "linear", "--folds", "2", "--c-grid", "10", "--json", "--out", model.path]
        trainer.standardOutput = FileHandle.nullDevice
        try trainer.run()
        trainer.waitUntilExit()
        guard trainer.terminationStatus == 0 else { throw TrainerFailed() }

        process.executableURL = binaries.appendingPathComponent("stream-processor")
        var environment = ProcessInfo.processInfo.environment
        environment["KAFKA_BROKERS"] = TestStack.kafkaBrokers.joined(separator: ",")
        environment["MONGO_URI"] = TestStack.mongoURI
        environment["MONGO_DB"] = database
        environment["REVIEWS_TOPIC"] = topic
        environment["DLQ_TOPIC"] = topic + ".dlq"
        environment["REVIEWS_PARTITIONS"] = "3"
        environment["GROUP_ID"] = TestStack.unique("group")
        environment["ASSIGNMENT"] = "static:0/1"
        environment["MODEL_PATH"] = model.path
        environment["PORT"] = String(Int.random(in: 30000...39999))
        environment["LOG_LEVEL"] = "warning"
        process.environment = environment
        try process.run()
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    struct TrainerFailed: Error {}
}

extension HTTPClient {
    /// A client as a plain program would use one: no Accept-Encoding, no decompression (the shared client asks for
    /// gzip). Lives as long as the test process, like `HTTPClient.shared`, so it is never shut down.
    static let plain = HTTPClient(eventLoopGroupProvider: .singleton)
}
