import ArgumentParser
import Foundation
import Mongo
import ReviewAnalysis

/// `trainer publish`: stores a trained model in the `models` collection, where running stream processors find it
/// and swap it in without a restart.
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish a trained model file to the models collection; stream processors pick up the newest one."
    )

    @Option(help: "Model file written by `trainer --out`.")
    var model: String
    @Option(help: "MongoDB connection string [env: MONGO_URI].")
    var mongoURI = ProcessInfo.processInfo.environment["MONGO_URI"] ?? "mongodb://127.0.0.1:27017/?replicaSet=secantus"
    @Option(help: "Database holding the results [env: MONGO_DB].")
    var mongoDB = ProcessInfo.processInfo.environment["MONGO_DB"] ?? "sdtddb"

    func run() async throws {
        let url = URL(fileURLWithPath: model)
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ValidationError("cannot read \(model): \(error.localizedDescription)") }
        // Loading it first refuses a corrupt or wrong-version file before any processor could.
        let loaded = try SentimentModel(data: data)
        let client = try MongoClient(uri: mongoURI, appName: "trainer")
        defer { client.shutdown() }
        let models = client.database(mongoDB).collection("models")
        try await models.updateOne(
            filter: ["_id": .string(loaded.version)],
            update: ["$set": ["file": .string(String(decoding: data, as: UTF8.self)), "createdAt": .date(loaded.createdAt), "publishedAt": .date(Date())]],
            upsert: true
        )
        print("published model \(loaded.version) to \(mongoDB).models")
    }
}
