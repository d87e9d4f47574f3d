import Foundation
import Mongo
import ReviewAnalysis
import ReviewContracts
import Testing

/// `trainer publish`, `trainer models` and `trainer activate` against the real database (MONGO_URI).
@Suite(.serialized)
struct ModelVersionsTests {
    static let uri = ProcessInfo.processInfo.environment["MONGO_URI"] ?? "mongodb://127.0.0.1:27017/?replicaSet=secantus"

    struct Listed: Decodable {
        var version: String
        var active: Bool
        var accuracy: Double?
        var auc: Double?
        var winner: String?
    }

    /// Trains a small model on the fixture (held out 20 %) and returns its file and version.
    static func train(c: Int) throws -> (URL, String) {
        let data = try TrainerProcess.temporaryFile("train.jsonl", contents: try TrainerProcess.fixtureLines(600).joined(separator: "\n"))
        let model = try TrainerProcess.temporaryFile("model-c\(c).json")
        let result = try TrainerProcess.run(["--data", data.path, "--out", model.path, "--model", "linear", "--folds", "2",
                                             "--c-grid", String(c), "--nb-grid", "0", "--hash-bits", "16", "--json"])
        precondition(result.status == 0, result.stderr)
        return (model, try SentimentModel(contentsOf: model).version)
    }

    func listing(_ database: String) throws -> [Listed] {
        let result = try TrainerProcess.run(["models", "--mongo-uri", Self.uri, "--mongo-db", database, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try result.stdout.split(separator: "\n").map { try JSONDecoder().decode(Listed.self, from: Data($0.utf8)) }
    }

    func run(_ arguments: [String], _ database: String) throws -> TrainerProcess.Result {
        try TrainerProcess.run(arguments + ["--mongo-uri", Self.uri, "--mongo-db", database])
    }

    @Test(.timeLimit(.minutes(3)))
    func publishActivatesUnlessToldNotToAndActivateRollsBackOrForward() async throws {
        let database = "trainer-models-\(UUID().uuidString.prefix(8).lowercased())"
        let client = try MongoClient(uri: Self.uri)
        defer { client.shutdown() }
        defer { Task { [client] in try? await client.database(database).drop() } }
        let (firstFile, first) = try Self.train(c: 3)
        // Versions carry the creation time to the second.
        try await Task.sleep(for: .seconds(1.1))
        let (secondFile, second) = try Self.train(c: 30)
        #expect(first != second)

        let published = try run(["publish", "--model", firstFile.path], database)
        #expect(published.status == 0, "\(published.stderr)")
        #expect(try listing(database).map { "\($0.version) \($0.active)" } == ["\(first) true"])

        // A candidate published without activation is listed, with its held-out figures, but not used.
        #expect(try run(["publish", "--model", secondFile.path, "--no-activate"], database).status == 0)
        var models = try listing(database)
        #expect(models.map(\.version) == [second, first])
        #expect(models.map(\.active) == [false, true])
        #expect(models.allSatisfy { ($0.accuracy ?? 0) > 0.6 && ($0.auc ?? 0) > 0.6 && $0.winner?.hasPrefix("linear C=") == true })

        // Forward to the candidate, then back.
        #expect(try run(["activate", second], database).status == 0)
        #expect(try listing(database).first { $0.active }?.version == second)
        try await Task.sleep(for: .milliseconds(20))
        #expect(try run(["activate", first], database).status == 0)
        #expect(try listing(database).first { $0.active }?.version == first)

        // Publishing the second again activates it, as publishing does; an unknown version is refused.
        try await Task.sleep(for: .milliseconds(20))
        #expect(try run(["publish", "--model", secondFile.path], database).status == 0)
        models = try listing(database)
        #expect(models.count == 2 && models.first { $0.active }?.version == second)
        let unknown = try run(["activate", "20200101T000000-deadbeef"], database)
        #expect(unknown.status != 0 && unknown.stderr.contains("no model 20200101T000000-deadbeef"), "\(unknown.stderr)")

        // The stored documents are StoredModel values whose file is the model file as published.
        let stored = try await client.database(database).collection(ResultCollections.models).find(as: StoredModel.self)
        let active = try #require(ModelActivation.active(in: stored))
        #expect(active.id == second)
        #expect(try SentimentModel(data: Data(try #require(active.file).utf8)).version == second)
        #expect(try Data(contentsOf: secondFile) == Data(try #require(active.file).utf8))
    }
}
