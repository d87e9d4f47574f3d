import Foundation
import Mongo
import ReviewContracts

/// Reads the result collections with one query per call (two for the newest predictions).
struct MongoResultsRepository: ResultsRepository {
    let database: MongoDatabase

    func topWords(limit: Int) async throws -> [WordCountEntry] {
        try await database.collection(ResultCollections.wordCount)
            .find([:], sort: ["count": -1, "_id": 1], limit: limit)
            .compactMap { document in
                guard let word = document["_id"]?.stringValue, let count = document["count"]?.intValue else { return nil }
                return WordCountEntry(_id: word, value: word, count: count)
            }
    }

    /// The newest predictions are those with `seq` in (total − limit, total]: a range the `seq` index answers in
    /// milliseconds, where a sort with a limit made the local database sort the whole collection (3 s at 110,000
    /// predictions, on every commit, holding up the processor's writes).
    func recentPredictions(limit: Int) async throws -> [PredictionEntry] {
        let total = try await totals().reviews
        return try await database.collection(ResultCollections.sentiment)
            .find(["seq": ["$gt": .int64(Int64(total - limit))]], sort: ["seq": -1], limit: limit)
            .compactMap(Self.prediction(from:))
    }

    func recentAccuracy(limit: Int) async throws -> [AccuracyPoint] {
        try await database.collection(ResultCollections.accuracy)
            .find([:], sort: ["_id": -1], limit: limit)
            .compactMap(Self.accuracyPoint(from:))
    }

    /// Points the processor wrote with their total in the indexed `reviews` field (points written before that field
    /// existed are only read by ``recentAccuracy(limit:)``).
    func accuracy(after total: Int) async throws -> [AccuracyPoint] {
        try await database.collection(ResultCollections.accuracy)
            .find(["reviews": ["$gt": .int64(Int64(total))]], sort: ["reviews": -1], limit: ResultsSnapshot.size)
            .compactMap(Self.accuracyPoint(from:))
    }

    func allWordCounts() async throws -> [(String, Int)] {
        try await database.collection(ResultCollections.wordCount).find([:]).compactMap { document in
            guard let word = document["_id"]?.stringValue, let count = document["count"]?.intValue else { return nil }
            return (word, count)
        }
    }

    func wordCountChanges() async throws -> AsyncThrowingStream<(String, Int), Error> {
        let changes = database.collection(ResultCollections.wordCount).watch(fullDocument: .default)
        try await changes.waitUntilOpen()
        return Self.bridge(changes) { event in
            switch event["operationType"]?.stringValue {
            case "insert", "replace":
                guard let document = event["fullDocument"]?.documentValue, let word = document["_id"]?.stringValue,
                      let count = document["count"]?.intValue else { return .skip }
                return .yield((word, count))
            case "update":
                guard let word = event["documentKey"]?.documentValue?["_id"]?.stringValue,
                      let count = event["updateDescription"]?.documentValue?["updatedFields"]?.documentValue?["count"]?.intValue
                else { return .skip }
                return .yield((word, count))
            default:
                // delete, drop, rename, invalidate: counts went down or away; the caller reads them again.
                return .finish
            }
        }
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
        let totals = try await database.collection(ResultCollections.totals).findOne(["_id": .string(ResultCollections.totalsID)])
        return ResultTotals(
            reviews: totals?["count"]?.intValue ?? 0,
            correct: totals?["correct"]?.intValue ?? 0,
            modelVersion: totals?["modelVersion"]?.stringValue,
            distinctWords: totals?["words"]?.intValue ?? 0,
            deadLettered: totals?["deadLettered"]?.intValue ?? 0
        )
    }

    func batchCommits() -> AsyncThrowingStream<Void, Error> {
        Self.bridge(database.collection(ResultCollections.totals).watch(fullDocument: .default)) { _ in .yield(()) }
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
