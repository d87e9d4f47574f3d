import Foundation

// The documents of the result collections (``ResultCollections``), written by the stream processor in each batch's
// transaction and read by the api-server. Their coding keys are the stored field names, for writers and readers
// alike; docs/data-contracts.md describes them for readers of the database.

/// A `wordcount` document: one word and how many times the processed reviews used it.
public struct WordCountDocument: Codable, Sendable, Equatable {
    public var word: String
    public var count: Int

    public enum CodingKeys: String, CodingKey {
        case word = "_id"
        case count
    }

    public init(word: String, count: Int) {
        self.word = word
        self.count = count
    }
}

/// A `sentiment` document: one processed review with the model's prediction.
public struct SentimentDocument: Codable, Sendable, Equatable {
    /// The review's id.
    public var id: String
    public var review: String
    /// The label of the review's score (`pos` above 3 stars).
    public var expected: String
    /// The model's label.
    public var result: String
    public var score: Double?
    /// The model's probability of `pos`.
    public var probability: Double?
    public var modelVersion: String?
    public var processedAt: Date?
    /// The review's number in processing order, from 1: the newest predictions are a range of it.
    public var seq: Int?
    /// Where the review was read.
    public var partition: Int?
    public var offset: Int64?
    public var itemId: String?
    public var submittedAt: Date?
    /// The account that posted it, when one was logged in.
    public var userId: String?

    public enum CodingKeys: String, CodingKey {
        case id = "_id"
        case review, expected, result, score, probability, modelVersion, processedAt, seq, partition, offset, itemId, submittedAt, userId
    }

    public init(id: String, review: String, expected: String, result: String, score: Double? = nil, probability: Double? = nil,
                modelVersion: String? = nil, processedAt: Date? = nil, seq: Int? = nil, partition: Int? = nil, offset: Int64? = nil,
                itemId: String? = nil, submittedAt: Date? = nil, userId: String? = nil) {
        self.id = id
        self.review = review
        self.expected = expected
        self.result = result
        self.score = score
        self.probability = probability
        self.modelVersion = modelVersion
        self.processedAt = processedAt
        self.seq = seq
        self.partition = partition
        self.offset = offset
        self.itemId = itemId
        self.submittedAt = submittedAt
        self.userId = userId
    }
}

/// An `accuracy` document: the share of correct predictions after `total` reviews, one per batch.
public struct AccuracyDocument: Codable, Sendable, Equatable {
    public var total: Int
    /// The total again, in an indexed field: readers fetch the points after the newest they know by a range on it
    /// (the local database answers that from the index, where an `_id` range is a scan). Absent in older points.
    public var reviews: Int?
    public var value: Double
    public var correct: Int?
    public var at: Date?

    public enum CodingKeys: String, CodingKey {
        case total = "_id"
        case reviews, value, correct, at
    }

    public init(total: Int, correct: Int, at: Date? = nil) {
        self.total = total
        self.reviews = total
        self.value = Double(correct) / Double(max(total, 1))
        self.correct = correct
        self.at = at
    }
}

/// The single `totals` document (`_id` ``ResultCollections/totalsID``): running totals, incremented in each batch.
public struct TotalsDocument: Codable, Sendable, Equatable {
    /// Reviews counted.
    public var count: Int
    public var correct: Int
    public var deadLettered: Int
    /// Distinct words stored.
    public var words: Int
    /// Batches committed: the number of the newest batch record.
    public var batches: Int
    /// The model of the newest counted review.
    public var modelVersion: String?
    public var updatedAt: Date?

    public enum CodingKeys: String, CodingKey {
        case id = "_id"
        case count, correct, deadLettered, words, batches, modelVersion, updatedAt
    }

    public init(count: Int = 0, correct: Int = 0, deadLettered: Int = 0, words: Int = 0, batches: Int = 0,
                modelVersion: String? = nil, updatedAt: Date? = nil) {
        self.count = count
        self.correct = correct
        self.deadLettered = deadLettered
        self.words = words
        self.batches = batches
        self.modelVersion = modelVersion
        self.updatedAt = updatedAt
    }

    /// Counters not incremented yet read as zero.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        count = try container.decodeIfPresent(Int.self, forKey: .count) ?? 0
        correct = try container.decodeIfPresent(Int.self, forKey: .correct) ?? 0
        deadLettered = try container.decodeIfPresent(Int.self, forKey: .deadLettered) ?? 0
        words = try container.decodeIfPresent(Int.self, forKey: .words) ?? 0
        batches = try container.decodeIfPresent(Int.self, forKey: .batches) ?? 0
        modelVersion = try container.decodeIfPresent(String.self, forKey: .modelVersion)
        updatedAt = try container.decodeIfPresent(Date.self, forKey: .updatedAt)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ResultCollections.totalsID, forKey: .id)
        try container.encode(count, forKey: .count)
        try container.encode(correct, forKey: .correct)
        try container.encode(deadLettered, forKey: .deadLettered)
        try container.encode(words, forKey: .words)
        try container.encode(batches, forKey: .batches)
        try container.encodeIfPresent(modelVersion, forKey: .modelVersion)
        try container.encodeIfPresent(updatedAt, forKey: .updatedAt)
    }
}

/// A `batches` document: what one committed batch changed, written in its transaction; readers follow these.
public struct BatchRecordDocument: Codable, Sendable, Equatable {
    /// The batch's number (``TotalsDocument/batches`` after it).
    public var batch: Int
    /// The totals after the batch.
    public var totals: TotalsDocument
    /// The batch's word-count increments, `words[i]` by `counts[i]`; empty with ``wordsOmitted``.
    public var words: [String]
    public var counts: [Int]
    public var at: Date?
    /// The batch named more than ``recordedWordsLimit`` words and records none: readers read the word counts again.
    public var wordsOmitted: Bool?
    /// The batch's newest `sentiment` documents, oldest first, at most ``recordedPredictions``.
    public var predictions: [SentimentDocument]?
    /// The batch's `accuracy` point.
    public var accuracy: AccuracyDocument?

    public enum CodingKeys: String, CodingKey {
        case batch = "_id"
        case totals, words, counts, at, wordsOmitted, predictions, accuracy
    }

    /// The readers' cache keeps this many predictions, so a record carries no more.
    public static let recordedPredictions = 100
    /// A record names at most this many words (about 2 MB, far below the database's 16 MB document limit).
    public static let recordedWordsLimit = 100_000

    public init(batch: Int, totals: TotalsDocument, increments: [String: Int], at: Date?,
                predictions: [SentimentDocument] = [], accuracy: AccuracyDocument? = nil) {
        self.batch = batch
        self.totals = totals
        self.at = at
        if increments.count > Self.recordedWordsLimit {
            words = []
            counts = []
            wordsOmitted = true
        } else {
            words = Array(increments.keys)
            counts = words.map { increments[$0]! }
        }
        self.predictions = predictions.isEmpty ? nil : Array(predictions.suffix(Self.recordedPredictions))
        self.accuracy = accuracy
    }
}
