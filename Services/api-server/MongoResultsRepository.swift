import Foundation
import Mongo
import ReviewContracts

/// Reads the result collections with one query per call (two for the newest predictions), and follows the batch
/// records.
struct MongoResultsRepository: ResultsRepository {
    let database: MongoDatabase

    func topWords(limit: Int) async throws -> [WordCountEntry] {
        try await wordCounts(sort: ["count": -1, "_id": 1], limit: limit).map { WordCountEntry(_id: $0.0, value: $0.0, count: $0.1) }
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
        try await database.collection(ResultCollections.accuracy)
            .find(["reviews": ["$gt": .int64(Int64(total))]], sort: ["reviews": -1], limit: ResultsSnapshot.size)
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
            .compactMap { document in
                guard let word = document["_id"]?.stringValue, let count = document["count"]?.intValue else { return nil }
                return (word, count)
            }
    }

    private func predictions(upTo total: Int, limit: Int, session: MongoSession? = nil) async throws -> [PredictionEntry] {
        try await database.collection(ResultCollections.sentiment)
            .find(["seq": ["$gt": .int64(Int64(total - limit))]], sort: ["seq": -1], limit: limit, session: session)
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
                if document["wordsOmitted"] == .bool(true) { return .finish }
                guard let record = Self.batchRecord(from: document) else { return .skip }
                return .yield(record)
            case "delete", "update":
                // The processor deleting records past their retention; nothing else changes them.
                return .skip
            default:
                // drop, rename, invalidate: the results were reset; the caller reads them again.
                return .finish
            }
        }
    }

    static func batchRecord(from document: BSONDocument) -> BatchRecord? {
        guard let batch = document["_id"]?.intValue, let totals = document["totals"]?.documentValue,
              let words = document["words"]?.arrayValue, let counts = document["counts"]?.arrayValue, words.count == counts.count
        else { return nil }
        var increments: [(String, Int)] = []
        increments.reserveCapacity(words.count)
        for (word, count) in zip(words, counts) {
            guard let word = word.stringValue, let count = count.intValue else { return nil }
            increments.append((word, count))
        }
        return BatchRecord(
            batch: batch, totals: ResultTotals(document: totals), words: increments,
            predictions: (document["predictions"]?.arrayValue ?? []).compactMap { $0.documentValue.flatMap(prediction(from:)) },
            accuracy: document["accuracy"]?.documentValue.flatMap(accuracyPoint(from:))
        )
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
        guard let total = document["_id"]?.intValue, let value = document["value"]?.doubleValue else { return nil }
        return AccuracyPoint(_id: total, value: value)
    }

    func totals() async throws -> ResultTotals {
        try await totals(session: nil)
    }

    private func totals(session: MongoSession?) async throws -> ResultTotals {
        ResultTotals(document: try await database.collection(ResultCollections.totals)
            .findOne(["_id": .string(ResultCollections.totalsID)], session: session))
    }

    func prediction(id: String) async throws -> PredictionEntry? {
        try await database.collection(ResultCollections.sentiment).findOne(["_id": .string(id)]).flatMap(Self.prediction(from:))
    }

    func isReachable() async -> Bool {
        (try? await database.runCommand(["ping": 1])) != nil
    }

    static func prediction(from document: BSONDocument) -> PredictionEntry? {
        guard let id = document["_id"]?.stringValue, let review = document["review"]?.stringValue,
              let expected = document["expected"]?.stringValue, let result = document["result"]?.stringValue
        else { return nil }
        return PredictionEntry(
            _id: id, review: review, expected: expected, result: result,
            probability: document["probability"]?.doubleValue,
            modelVersion: document["modelVersion"]?.stringValue,
            processedAt: document["processedAt"]?.dateValue
        )
    }
}

extension ResultTotals {
    /// The totals document's fields; all zero when there is none yet.
    init(document totals: BSONDocument?) {
        self.init(
            reviews: totals?["count"]?.intValue ?? 0,
            correct: totals?["correct"]?.intValue ?? 0,
            modelVersion: totals?["modelVersion"]?.stringValue,
            distinctWords: totals?["words"]?.intValue ?? 0,
            deadLettered: totals?["deadLettered"]?.intValue ?? 0,
            batches: totals?["batches"]?.intValue ?? 0
        )
    }
}
