import Foundation
import Mongo
import ReviewContracts

/// Reads the result collections with one query per call (two for the newest predictions), and follows the batch
/// records; every document is decoded as its type in ReviewContracts (``SentimentDocument``, ``AccuracyDocument``,
/// ``TotalsDocument``, ``BatchRecordDocument``, ``WordCountDocument``), so reader and writer share one schema.
struct MongoResultsRepository: ResultsRepository {
    let database: MongoDatabase

    func topWords(limit: Int) async throws -> [WordCountEntry] {
        try await wordCounts(sort: [WordCountDocument.CodingKeys.count.rawValue: -1, "_id": 1], limit: limit).map { WordCountEntry(_id: $0.0, value: $0.0, count: $0.1) }
    }

    /// The newest predictions are those with `seq` in (total − limit, total]: a range the `seq` index answers in
    /// milliseconds, where a sort with a limit made the local database sort the whole collection (3 s at 110,000
    /// predictions, on every commit, holding up the processor's writes).
    func recentPredictions(limit: Int) async throws -> [PredictionEntry] {
        try await predictions(upTo: try await totals().reviews, limit: limit)
    }

    func recentAccuracy(limit: Int) async throws -> [AccuracyPoint] {
        try await accuracyPoints(limit: limit)
    }

    /// Points the processor wrote with their total in the indexed `reviews` field (points written before that field
    /// existed are only read by ``recentAccuracy(limit:)``).
    func accuracy(after total: Int) async throws -> [AccuracyPoint] {
        typealias Field = AccuracyDocument.CodingKeys
        return try await database.collection(ResultCollections.accuracy)
            .find([Field.reviews.rawValue: ["$gt": .int64(Int64(total))]], sort: [Field.reviews.rawValue: -1], limit: ResultsSnapshot.size)
            .compactMap(Self.accuracyPoint(from:))
    }

    func storedResults() async throws -> StoredResults {
        try await database.withTransaction { session in
            var stored = StoredResults()
            stored.totals = try await totals(session: session)
            stored.words = try await wordCounts(session: session)
            stored.predictions = try await predictions(upTo: stored.totals.reviews, limit: ResultsSnapshot.size, session: session)
            stored.accuracy = try await accuracyPoints(limit: ResultsSnapshot.size, session: session)
            return stored
        }
    }

    private func wordCounts(sort: BSONDocument? = nil, limit: Int? = nil, session: MongoSession? = nil) async throws -> [(String, Int)] {
        try await database.collection(ResultCollections.wordCount).find([:], sort: sort, limit: limit, session: session)
            .compactMap { Self.decoded(WordCountDocument.self, from: $0).map { ($0.word, $0.count) } }
    }

    private func predictions(upTo total: Int, limit: Int, session: MongoSession? = nil) async throws -> [PredictionEntry] {
        let seq = SentimentDocument.CodingKeys.seq.rawValue
        return try await database.collection(ResultCollections.sentiment)
            .find([seq: ["$gt": .int64(Int64(total - limit))]], sort: [seq: -1], limit: limit, session: session)
            .compactMap(Self.prediction(from:))
    }

    private func accuracyPoints(limit: Int, session: MongoSession? = nil) async throws -> [AccuracyPoint] {
        try await database.collection(ResultCollections.accuracy)
            .find([:], sort: ["_id": -1], limit: limit, session: session)
            .compactMap(Self.accuracyPoint(from:))
    }

    func batchRecords() async throws -> AsyncThrowingStream<BatchRecord, Error> {
        let changes = database.collection(ResultCollections.batches).watch(fullDocument: .default)
        try await changes.waitUntilOpen()
        return Self.bridge(changes) { event in
            switch event["operationType"]?.stringValue {
            case "insert", "replace":
                guard let document = event["fullDocument"]?.documentValue else { return .skip }
                // A batch with too many words to name records none; the word counts must be read again.
                guard let record = Self.decoded(BatchRecordDocument.self, from: document) else { return .skip }
                if record.wordsOmitted == true { return .finish }
                return .yield(Self.batchRecord(record))
            case "delete", "update":
                // The processor deleting records past their retention; nothing else changes them.
                return .skip
            default:
                // drop, rename, invalidate: the results were reset; the caller reads them again.
                return .finish
            }
        }
    }

    static func batchRecord(_ record: BatchRecordDocument) -> BatchRecord {
        BatchRecord(
            batch: record.batch, totals: ResultTotals(record.totals), words: Array(zip(record.words, record.counts)),
            predictions: (record.predictions ?? []).map(PredictionEntry.init),
            accuracy: record.accuracy.map { AccuracyPoint(_id: $0.total, value: $0.value) }
        )
    }

    /// The document as `T`, nil when it is not one (a reader skips it rather than failing every read).
    static func decoded<T: Decodable>(_ type: T.Type, from document: BSONDocument) -> T? {
        try? BSONDecoder().decode(type, from: document)
    }

    /// What to do with one change event.
    enum ChangeAction<Value: Sendable>: Sendable {
        case yield(Value), skip, finish
    }

    /// A change stream as an `AsyncThrowingStream` of what `map` makes of each event; ending the stream closes it.
    static func bridge<Value: Sendable>(_ changes: MongoChangeStream,
                                        _ map: @escaping @Sendable (BSONDocument) -> ChangeAction<Value>)
        -> AsyncThrowingStream<Value, Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await event in changes {
                        switch map(event) {
                        case .yield(let value): continuation.yield(value)
                        case .skip: continue
                        case .finish:
                            continuation.finish()
                            return
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in
                task.cancel()
                changes.close()
            }
        }
    }

    static func accuracyPoint(from document: BSONDocument) -> AccuracyPoint? {
        decoded(AccuracyDocument.self, from: document).map { AccuracyPoint(_id: $0.total, value: $0.value) }
    }

    func totals() async throws -> ResultTotals {
        try await totals(session: nil)
    }

    private func totals(session: MongoSession?) async throws -> ResultTotals {
        let document = try await database.collection(ResultCollections.totals).findOne(["_id": .string(ResultCollections.totalsID)], session: session)
        return ResultTotals(document.flatMap { Self.decoded(TotalsDocument.self, from: $0) } ?? TotalsDocument())
    }

    func prediction(id: String) async throws -> PredictionEntry? {
        try await database.collection(ResultCollections.sentiment).findOne(["_id": .string(id)]).flatMap(Self.prediction(from:))
    }

    func isReachable() async -> Bool {
        (try? await database.runCommand(["ping": 1])) != nil
    }

    static func prediction(from document: BSONDocument) -> PredictionEntry? {
        decoded(SentimentDocument.self, from: document).map(PredictionEntry.init)
    }
}

extension ResultTotals {
    /// The API's names for the stored totals.
    init(_ totals: TotalsDocument) {
        self.init(
            reviews: totals.count, correct: totals.correct, modelVersion: totals.modelVersion, distinctWords: totals.words,
            deadLettered: totals.deadLettered, batches: totals.batches
        )
    }
}

extension PredictionEntry {
    /// The seed's prediction row of a stored review.
    init(_ document: SentimentDocument) {
        self.init(
            _id: document.id, review: document.review, expected: document.expected, result: document.result,
            probability: document.probability, modelVersion: document.modelVersion, processedAt: document.processedAt
        )
    }
}
