import ArgumentParser
import Foundation
import ReviewContracts

/// `trainer models`: the published model versions, newest first, with their held-out figures and which is active.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the published model versions with their held-out figures and which one is active."
    )

    @OptionGroup var database: ModelDatabaseOptions
    @Flag(help: "Print one JSON object per version ({version, active, createdAt, activatedAt, accuracy, auc, …}) instead of a table.")
    var json = false

    func run() async throws {
        let (client, models) = try database.models()
        defer { client.shutdown() }
        let listing = try await ModelDatabaseOptions.listing(models)
        let active = ModelActivation.active(in: listing)?.id
        if json {
            for model in listing { try ReportFormatting.printJSON(Entry(model, active: model.id == active)) }
            return
        }
        guard !listing.isEmpty else {
            print("no model published in \(database.mongoDB).\(ResultCollections.models); run `trainer publish`")
            return
        }
        var table = TextTable("", "version", "created", "activated", "held-out accuracy", "AUC", "reviews", "winner", "trained on")
        for model in listing {
            table.add(model.id == active ? "*" : "", model.id, Self.timestamp(model.createdAt),
                      model.activatedAt.map(Self.timestamp) ?? "—",
                      model.heldOutAccuracy.map(ReportFormatting.percent) ?? "—",
                      model.heldOutAUC.map(ReportFormatting.decimal) ?? "—",
                      model.heldOutReviews.map(String.init) ?? "—", model.winner ?? "—",
                      model.trainingSource.map { "\($0) (\(model.trainingReviews ?? 0))" } ?? "—")
        }
        print(table.render())
        print(active.map { "* active: \($0)" } ?? "no model is active; run `trainer activate VERSION`")
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    struct Entry: Encodable {
        var version: String
        var active: Bool
        var createdAt: String
        var activatedAt: String?
        var accuracy: Double?
        var auc: Double?
        var heldOutReviews: Int?
        var winner: String?
        var trainingSource: String?
        var trainingReviews: Int?

        init(_ model: StoredModel, active: Bool) {
            version = model.id
            self.active = active
            createdAt = ModelsCommand.timestamp(model.createdAt)
            activatedAt = model.activatedAt.map(ModelsCommand.timestamp)
            accuracy = model.heldOutAccuracy
            auc = model.heldOutAUC
            heldOutReviews = model.heldOutReviews
            winner = model.winner
            trainingSource = model.trainingSource
            trainingReviews = model.trainingReviews
        }
    }
}
