import ArgumentParser
import Foundation
import Mongo
import ReviewAnalysis
import ReviewContracts

/// `trainer publish`: stores a trained model in the `models` collection and, unless `--no-activate`, makes it the
/// active model, which running stream processors swap in without a restart.
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish a trained model file to the models collection and make it the active model (unless --no-activate)."
    )

    @Option(help: "Model file written by `trainer --out`.")
    var model: String
    @Flag(inversion: .prefixedNo, help: "Make the published model the one the stream processors use.")
    var activate = true
    @OptionGroup var database: ModelDatabaseOptions

    func run() async throws {
        let url = URL(fileURLWithPath: model)
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ValidationError("cannot read \(model): \(error.localizedDescription)") }
        // Loading it first refuses a corrupt or wrong-version file before any processor could.
        let loaded = try SentimentModel(data: data)
        let now = Date()
        let stored = Self.document(for: loaded, file: String(decoding: data, as: UTF8.self), at: now, activated: activate)
        let (client, models) = try database.models()
        defer { client.shutdown() }
        var fields = try BSONEncoder().encode(stored)
        fields["_id"] = nil
        let activatedAt = StoredModel.CodingKeys.activatedAt.rawValue
        var update: BSONDocument
        if activate {
            update = ["$set": .document(fields)]
        } else {
            // Published again without activation, a model keeps whether and when it was activated.
            fields[activatedAt] = nil
            update = ["$set": .document(fields), "$setOnInsert": [activatedAt: .null]]
        }
        try await models.updateOne(filter: ["_id": .string(loaded.version)], update: update, upsert: true)
        print("published model \(loaded.version) to \(database.mongoDB).\(ResultCollections.models)"
              + (activate ? "; it is the active model" : " (not activated)"))
    }

    /// The `models` document for a loaded model file, published (and, when `activated`, activated) at `date`.
    static func document(for loaded: SentimentModel, file: String, at date: Date, activated: Bool) -> StoredModel {
        let heldOut = loaded.metrics.heldOut
        return StoredModel(id: loaded.version, file: file, createdAt: loaded.createdAt, publishedAt: date,
                           activatedAt: activated ? date : nil, winner: loaded.metrics.winner.description,
                           heldOutAccuracy: heldOut?.accuracy, heldOutAUC: heldOut?.auc, heldOutReviews: heldOut?.n,
                           trainingSource: loaded.trainingData.source, trainingReviews: loaded.trainingData.reviews)
    }
}
