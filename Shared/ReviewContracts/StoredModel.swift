import Foundation

/// A `models` document: one published sentiment-model version, written by `trainer publish`, read by the stream
/// processors (the model file) and by `trainer models` (everything but the file).
///
/// Which version the processors use is explicit: the one activated last (greatest ``activatedAt``; `trainer publish`
/// activates unless told not to, `trainer activate VERSION` rolls back or forward). ``ModelActivation`` holds the rule.
public struct StoredModel: Codable, Sendable, Equatable {
    /// The model's version id (`_id`), as the model file and every prediction name it.
    public var id: String
    /// The model file (JSON) itself; nil when read without it (projection `[CodingKeys.file.rawValue: 0]`).
    public var file: String?
    /// When the model was trained.
    public var createdAt: Date
    /// When it was last published.
    public var publishedAt: Date
    /// When it was last made the active model; nil when never. Stored as null rather than left out, which tells it
    /// from a document written before models were activated (``isFromBeforeActivation``).
    public var activatedAt: Date?
    /// The winning grid cell, as the trainer prints it (e.g. `linear C=10 NB β=0.5`).
    public var winner: String?
    /// Held-out scores recorded in the model file; nil when nothing was held out.
    public var heldOutAccuracy: Double?
    public var heldOutAUC: Double?
    public var heldOutReviews: Int?
    /// The training data file's name and how many reviews the model was fitted on.
    public var trainingSource: String?
    public var trainingReviews: Int?
    /// True for a document published before models were activated (no `activatedAt` field at all); such documents
    /// are only chosen, newest first, while no document has ever been activated. Not stored.
    public private(set) var isFromBeforeActivation = false

    public enum CodingKeys: String, CodingKey {
        case id = "_id"
        case file, createdAt, publishedAt, activatedAt, winner, heldOutAccuracy, heldOutAUC, heldOutReviews,
             trainingSource, trainingReviews
    }

    public init(id: String, file: String?, createdAt: Date, publishedAt: Date, activatedAt: Date? = nil,
                winner: String? = nil, heldOutAccuracy: Double? = nil, heldOutAUC: Double? = nil,
                heldOutReviews: Int? = nil, trainingSource: String? = nil, trainingReviews: Int? = nil) {
        self.id = id
        self.file = file
        self.createdAt = createdAt
        self.publishedAt = publishedAt
        self.activatedAt = activatedAt
        self.winner = winner
        self.heldOutAccuracy = heldOutAccuracy
        self.heldOutAUC = heldOutAUC
        self.heldOutReviews = heldOutReviews
        self.trainingSource = trainingSource
        self.trainingReviews = trainingReviews
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        file = try container.decodeIfPresent(String.self, forKey: .file)
        createdAt = try container.decode(Date.self, forKey: .createdAt)
        publishedAt = try container.decodeIfPresent(Date.self, forKey: .publishedAt) ?? createdAt
        isFromBeforeActivation = !container.contains(.activatedAt)
        activatedAt = try container.decodeIfPresent(Date.self, forKey: .activatedAt)
        winner = try container.decodeIfPresent(String.self, forKey: .winner)
        heldOutAccuracy = try container.decodeIfPresent(Double.self, forKey: .heldOutAccuracy)
        heldOutAUC = try container.decodeIfPresent(Double.self, forKey: .heldOutAUC)
        heldOutReviews = try container.decodeIfPresent(Int.self, forKey: .heldOutReviews)
        trainingSource = try container.decodeIfPresent(String.self, forKey: .trainingSource)
        trainingReviews = try container.decodeIfPresent(Int.self, forKey: .trainingReviews)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encodeIfPresent(file, forKey: .file)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(publishedAt, forKey: .publishedAt)
        if let activatedAt { try container.encode(activatedAt, forKey: .activatedAt) } else { try container.encodeNil(forKey: .activatedAt) }
        try container.encodeIfPresent(winner, forKey: .winner)
        try container.encodeIfPresent(heldOutAccuracy, forKey: .heldOutAccuracy)
        try container.encodeIfPresent(heldOutAUC, forKey: .heldOutAUC)
        try container.encodeIfPresent(heldOutReviews, forKey: .heldOutReviews)
        try container.encodeIfPresent(trainingSource, forKey: .trainingSource)
        try container.encodeIfPresent(trainingReviews, forKey: .trainingReviews)
    }
}
