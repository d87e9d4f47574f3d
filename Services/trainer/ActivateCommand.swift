import ArgumentParser
import Foundation
import Mongo
import ReviewContracts

/// `trainer activate VERSION`: makes a published model the one the stream processors use (they switch at their next
/// model check, `MODEL_CHECK_SECONDS`), to roll back or forward.
struct ActivateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activate",
        abstract: "Make a published model version the active one (roll back or forward); `trainer models` lists them."
    )

    @Argument(help: "The model version, as `trainer models` lists it.")
    var version: String
    @OptionGroup var database: ModelDatabaseOptions

    func run() async throws {
        let (client, models) = try database.models()
        defer { client.shutdown() }
        let result = try await models.updateOne(
            filter: ["_id": .string(version)],
            update: ["$set": [StoredModel.CodingKeys.activatedAt.rawValue: .date(Date())]])
        guard result.matchedCount == 1 else {
            throw ValidationError("no model \(version) in \(database.mongoDB).\(ResultCollections.models); `trainer models` lists them")
        }
        print("model \(version) is the active model")
    }
}
