import Foundation
import Logging
import Mongo
import ReviewAnalysis
import ReviewContracts

/// Holds the model predictions use, and swaps in a newer one without stopping: each batch takes the model current
/// when its analysis starts, and every prediction records that model's version.
final class ModelProvider: @unchecked Sendable {
    enum Source: Sendable {
        case file(URL)
        case collection(MongoCollection)
    }

    private let source: Source
    private let logger: Logger
    private let lock = NSLock()
    private var model: SentimentModel?
    private var fileDate: Date?

    init(source: Source, logger: Logger) {
        self.source = source
        self.logger = logger
    }

    var current: SentimentModel? { lock.withLock { model } }

    /// Loads the source's model if it differs from the current one. Returns true when a model was swapped in.
    @discardableResult
    func refresh() async throws -> Bool {
        let candidate: SentimentModel
        switch source {
        case .file(let url):
            let modified = try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date
            if current != nil, modified == lock.withLock({ fileDate }) { return false }
            candidate = try SentimentModel(contentsOf: url)
            lock.withLock { fileDate = modified }
        case .collection(let models):
            guard let newest = try await models.find([:], sort: ["createdAt": -1], limit: 1, projection: ["_id": 1]).first,
                  let version = newest["_id"]?.stringValue
            else { throw ModelUnavailable(detail: "the \(ResultCollections.models) collection has no model yet; run `trainer publish`") }
            if version == current?.version { return false }
            guard let document = try await models.findOne(["_id": .string(version)]),
                  let file = document[ModelDocument.fileField]?.stringValue
            else { throw ModelUnavailable(detail: "model \(version) has no \(ModelDocument.fileField) field") }
            candidate = try SentimentModel(data: Data(file.utf8))
        }
        let previous = lock.withLock { () -> String? in
            defer { model = candidate }
            return model?.version
        }
        if previous != candidate.version {
            logger.info("model loaded", metadata: ["version": "\(candidate.version)", "previous": "\(previous ?? "none")"])
        }
        return previous != candidate.version
    }

    struct ModelUnavailable: Error, CustomStringConvertible {
        let detail: String
        var description: String { "no model: \(detail)" }
    }
}
