import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Kafka
import Logging
import Mongo
import ReviewAnalysis
import ReviewContracts

/// Runs the real `stream-processor` binary against the test stack, so a test can kill it like an operator would.
/// Unchecked Sendable: the process is started and stopped by the one test that owns the harness.
final class ProcessorHarness: @unchecked Sendable {
    static let environment = ProcessInfo.processInfo.environment
    static let kafkaBrokers = environment["KAFKA_BROKERS"] ?? "127.0.0.1:9092"
    static let mongoURI = environment["MONGO_URI"] ?? "mongodb://127.0.0.1:27017/?replicaSet=secantus"
    static let logger = Logger(label: "test")
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binaries = packageRoot.appendingPathComponent(".build/debug")

    static func unique(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

    /// A model trained once per test run by the real `trainer` on the committed fixture.
    static let modelFile: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("review-stream-test-model-\(ProcessInfo.processInfo.processIdentifier).json")
        let trainer = Process()
        trainer.executableURL = binaries.appendingPathComponent("trainer")
        trainer.arguments = ["--data", fixture.path, "--model", "linear", "--folds", "2", "--c-grid", "10", "--json", "--out", url.path]
        trainer.standardOutput = FileHandle.nullDevice
        trainer.standardError = FileHandle.nullDevice
        try! trainer.run()
        trainer.waitUntilExit()
        precondition(trainer.terminationStatus == 0, "trainer failed to build the test model")
        return url
    }()

    static let fixture = packageRoot.appendingPathComponent("Tests/Fixtures/reviews-sample.jsonl")

    /// The fixture's reviews (McAuley JSON lines).
    static func fixtureReviews() throws -> [(text: String, score: Double)] {
        try String(contentsOf: fixture, encoding: .utf8).split(separator: "\n").compactMap { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let text = object["reviewText"] as? String, let score = (object["overall"] as? NSNumber)?.doubleValue
            else { return nil }
            return (text, score)
        }
    }

    let topic = unique("reviews")
    let deadLetterTopic: String
    let productsTopic = unique("products")
    let database = unique("sp")
    let group = unique("group")
    private var processes: [Int: Process] = [:]
    private let lock = NSLock()

    init() { deadLetterTopic = topic + ".dlq" }

    /// Starts processor number `index`; returns its HTTP port.
    @discardableResult
    func start(_ index: Int, batchSize: Int = 200, modelFromCollection: Bool = false, assignment: String = "static:0/1",
               port: Int = Int.random(in: 20000...29999), environment extra: [String: String] = [:]) throws -> Int {
        let process = Process()
        process.executableURL = Self.binaries.appendingPathComponent("stream-processor")
        var environment = ProcessInfo.processInfo.environment
        environment["KAFKA_BROKERS"] = Self.kafkaBrokers
        environment["MONGO_URI"] = Self.mongoURI
        environment["MONGO_DB"] = database
        environment["REVIEWS_TOPIC"] = topic
        environment["DLQ_TOPIC"] = deadLetterTopic
        environment["PRODUCTS_TOPIC"] = productsTopic
        environment["REVIEWS_PARTITIONS"] = "4"
        environment["GROUP_ID"] = group
        environment["ASSIGNMENT"] = assignment
        environment["MODEL_PATH"] = modelFromCollection ? "" : Self.modelFile.path
        environment["MODEL_CHECK_SECONDS"] = "1"
        environment["PORT"] = String(port)
        environment["BATCH_SIZE"] = String(batchSize)
        environment["LOG_LEVEL"] = "warning"
        environment.merge(extra) { _, explicit in explicit }
        process.environment = environment
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("\(database)-\(index).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        lock.withLock { processes[index] = process }
        return port
    }

    /// The process of processor `index`, while it runs.
    func process(_ index: Int) -> Process? { lock.withLock { processes[index] } }

    /// The value of a metric (summed over its labels) from a processor's /metrics; nil if absent.
    static func metric(_ name: String, port: Int) async throws -> Double? {
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        let values = String(decoding: data, as: UTF8.self).split(separator: "\n").filter { line in
            line.hasPrefix(name + " ") || line.hasPrefix(name + "{")
        }.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
        return values.isEmpty ? nil : values.reduce(0, +)
    }

    func kill(_ index: Int, signal: Int32 = SIGKILL) {
        guard let process = lock.withLock({ processes.removeValue(forKey: index) }) else { return }
        Foundation.kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    func stopAll() {
        for index in lock.withLock({ Array(processes.keys) }) { kill(index, signal: SIGTERM) }
    }

    /// Publishes raw values to the reviews topic, spread over its partitions by key.
    func produce(_ values: [(key: String, value: [UInt8])]) async throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: [Self.kafkaBrokers]), logger: Self.logger)
        for chunk in stride(from: 0, to: values.count, by: 1000) {
            let slice = values[chunk..<min(chunk + 1000, values.count)]
            _ = try await producer.send(slice.map { KafkaProducerMessage(topic: topic, key: Array($0.key.utf8), value: $0.value) })
        }
        await producer.shutdown()
    }

    func createTopics() async throws {
        let admin = try KafkaAdmin(bootstrapServers: [Self.kafkaBrokers], logger: Self.logger)
        try await admin.createTopic(topic, partitions: 4)
        try await admin.createTopic(deadLetterTopic, partitions: 1)
        admin.close()
    }

    /// Waits until the totals document says `count` reviews and `deadLettered` dead letters, or the timeout passes.
    func waitForTotals(reviews: Int, deadLettered: Int = 0, timeout: Duration) async throws -> BSONDocument? {
        let client = try MongoClient(uri: Self.mongoURI)
        let totals = client.database(database).collection(ResultCollections.totals)
        let deadline = ContinuousClock.now + timeout
        var last: BSONDocument?
        while ContinuousClock.now < deadline {
            last = try? await totals.findOne(["_id": .string(ResultCollections.totalsID)])
            if (last?["count"]?.intValue ?? 0) >= reviews, (last?["deadLettered"]?.intValue ?? 0) >= deadLettered { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        // Let any over-count surface instead of stopping at the first matching read.
        try await Task.sleep(for: .seconds(2))
        return try await totals.findOne(["_id": .string(ResultCollections.totalsID)])
    }

    /// Trains a model with the given regularisation and publishes it with `trainer publish`; returns its version.
    func publishModel(c: Int) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(database)-c\(c).json")
        for arguments in [
            ["--data", Self.fixture.path, "--model", "linear", "--folds", "2", "--c-grid", String(c), "--json", "--out", file.path],
            ["publish", "--model", file.path, "--mongo-uri", Self.mongoURI, "--mongo-db", database],
        ] {
            let trainer = Process()
            trainer.executableURL = Self.binaries.appendingPathComponent("trainer")
            trainer.arguments = arguments
            trainer.standardOutput = FileHandle.nullDevice
            trainer.standardError = FileHandle.nullDevice
            try trainer.run()
            trainer.waitUntilExit()
            precondition(trainer.terminationStatus == 0, "trainer \(arguments.first!) failed")
        }
        return try SentimentModel(contentsOf: file).version
    }

    /// `trainer activate VERSION` on this harness's database.
    func activateModel(_ version: String) throws {
        let trainer = Process()
        trainer.executableURL = Self.binaries.appendingPathComponent("trainer")
        trainer.arguments = ["activate", version, "--mongo-uri", Self.mongoURI, "--mongo-db", database]
        trainer.standardOutput = FileHandle.nullDevice
        trainer.standardError = FileHandle.nullDevice
        try trainer.run()
        trainer.waitUntilExit()
        precondition(trainer.terminationStatus == 0, "trainer activate failed")
    }

    func results() throws -> MongoDatabase { try MongoClient(uri: Self.mongoURI).database(database) }

    func drop() async {
        try? await results().drop()
        let admin = try? KafkaAdmin(bootstrapServers: [Self.kafkaBrokers], logger: Self.logger)
        try? await admin?.deleteTopic(topic)
        try? await admin?.deleteTopic(deadLetterTopic)
        try? await admin?.deleteTopic(productsTopic)
        admin?.close()
    }
}
