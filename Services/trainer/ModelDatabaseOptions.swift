import ArgumentParser
import Foundation
import Mongo
import ReviewContracts
import Settings

/// The results database the trainer reads and writes (published models, similar products, the search index).
struct ModelDatabaseOptions: ParsableArguments {
    @Option(help: "MongoDB connection string [env: MONGO_URI].")
    var mongoURI = EnvironmentDefault.string("MONGO_URI", "mongodb://127.0.0.1:27017/?replicaSet=secantus")
    @Option(help: "Database holding the results [env: MONGO_DB].")
    var mongoDB = EnvironmentDefault.string("MONGO_DB", "sdtddb")

    /// A client (shut it down when done) and the models collection.
    func models() throws -> (MongoClient, MongoCollection) {
        let client = try MongoClient(uri: mongoURI, appName: "trainer")
        return (client, client.database(mongoDB).collection(ResultCollections.models))
    }

    /// Every published model, without the model files.
    static func listing(_ models: MongoCollection) async throws -> [StoredModel] {
        try await models.find([:], sort: [StoredModel.CodingKeys.createdAt.rawValue: -1],
                              projection: [StoredModel.CodingKeys.file.rawValue: .int32(0)], as: StoredModel.self)
    }
}
