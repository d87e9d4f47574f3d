import Foundation
import Logging
import Mongo
import ReviewAnalysis
import ReviewContracts

/// Holds the model predictions use, and swaps in another one without stopping: each batch takes the model current
/// when its analysis starts, and every prediction records that model's version. From the `models` collection the
/// model is the active one (``ModelActivation``), so `trainer activate` rolls back as well as forward.
/// Unchecked Sendable: the model and its file date change only under `lock`; the rest is immutable.
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
            // The listing leaves the model files out; only a model that is not loaded yet is read whole.
            let listing = try await models.find([:], projection: [StoredModel.CodingKeys.file.rawValue: .int32(0)],
                                                as: StoredModel.self)
            guard let active = ModelActivation.active(in: listing) else {
                throw ModelUnavailable(detail: listing.isEmpty
                    ? "the \(ResultCollections.models) collection has no model yet; run `trainer publish`"
                    : "no model in \(ResultCollections.models) is active; run `trainer activate VERSION`")
            }
            if active.id == current?.version { return false }
            guard let stored = try await models.find(["_id": .string(active.id)], limit: 1, as: StoredModel.self).first,
                  let file = stored.file
            else { throw ModelUnavailable(detail: "model \(active.id) has no model file") }
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
