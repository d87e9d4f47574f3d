import Logging
import Testing

@testable import APIServer

@Suite("word counts kept in memory")
struct WordCountBookTests {
    @Test func topWordsAreByCountThenAlphabeticalLikeTheDatabaseQuery() {
        var book = WordCountBook()
        #expect(!book.isLoaded && book.top(10).isEmpty)
        book.load([("dress", 5), ("fabric", 9), ("fit", 5), ("color", 1), ("blue", 5)], batch: 0)
        #expect(book.isLoaded)
        #expect(book.top(4).map(\.value) == ["fabric", "blue", "dress", "fit"])
        #expect(book.top(4).map(\.count) == [9, 5, 5, 5])
        #expect(book.top(100).count == 5)
        #expect(book.top(1) == [WordCountEntry(_id: "fabric", value: "fabric", count: 9)])
    }

    @Test func eachBatchIsAddedOnceAndOnlyInOrder() {
        var book = WordCountBook()
        #expect(book.add([("dress", 1)], batch: 1) == .missedBatches, "nothing loaded yet")
        book.load([("dress", 5)], batch: 3)
        let revision = book.revision
        // Batches the full read already includes (the stream opened before the read), or a record delivered again.
        #expect(book.add([("dress", 2)], batch: 2) == .alreadyCounted)
        #expect(book.add([("dress", 2)], batch: 3) == .alreadyCounted)
        #expect(book.add([("dress", 2), ("hem", 1)], batch: 4) == .applied)
        #expect(book.add([("dress", 2), ("hem", 1)], batch: 4) == .alreadyCounted)
        // Batch 5 never arrived: batch 6 is not applied, the caller reads everything again.
        #expect(book.add([("hem", 1)], batch: 6) == .missedBatches)
        #expect(book.counts == ["dress": 7, "hem": 1])
        #expect(book.batch == 4 && book.revision == revision + 1)
        // A full read replaces everything, lower counts included (the results were reset).
        book.load([("hem", 1)], batch: 1)
        #expect(book.counts == ["hem": 1] && book.batch == 1)
    }
}

@Suite("the live cache follows batch records")
struct LiveResultsRecordTests {
    /// Serves `stored` for the full read; nothing else is called on these paths.
    struct StoredOnly: ResultsRepository {
        let stored: StoredResults
        func topWords(limit: Int) async throws -> [WordCountEntry] { [] }
        func recentPredictions(limit: Int) async throws -> [PredictionEntry] { [] }
        func recentAccuracy(limit: Int) async throws -> [AccuracyPoint] { [] }
        func totals() async throws -> ResultTotals { stored.totals }
        func prediction(id: String) async throws -> PredictionEntry? { nil }
        func accuracy(after total: Int) async throws -> [AccuracyPoint] { [] }
        func storedResults() async throws -> StoredResults { stored }
        func batchRecords() async throws -> AsyncThrowingStream<BatchRecord, Error> { AsyncThrowingStream { $0.finish() } }
        func isReachable() async -> Bool { true }
    }

    static func prediction(_ id: String) -> PredictionEntry {
        PredictionEntry(_id: id, review: "text of \(id)", expected: "pos", result: "pos", probability: 0.9, modelVersion: "v1", processedAt: nil)
    }

    @Test func aRecordUpdatesEveryListAndTheSummaryAndAGapAsksForAReload() async throws {
        var stored = StoredResults()
        stored.words = [("dress", 3)]
        stored.totals = ResultTotals(reviews: 2, correct: 1, modelVersion: "v1", distinctWords: 1, deadLettered: 0, batches: 1)
        stored.predictions = [Self.prediction("b"), Self.prediction("a")]
        stored.accuracy = [AccuracyPoint(_id: 2, value: 0.5)]
        let live = LiveResults(repository: StoredOnly(stored: stored), logger: Logger(label: "test"))
        let before = BatchRecord(batch: 1, totals: stored.totals, words: [("dress", 3)], predictions: [], accuracy: nil)
        #expect(await live.apply(before) == false, "nothing read yet")
        try await live.reload()

        let record = BatchRecord(
            batch: 2, totals: ResultTotals(reviews: 4, correct: 3, modelVersion: "v2", distinctWords: 2, deadLettered: 1, batches: 2),
            words: [("dress", 1), ("hem", 5)], predictions: [Self.prediction("c"), Self.prediction("d")],
            accuracy: AccuracyPoint(_id: 4, value: 0.75)
        )
        #expect(await live.apply(record))
        #expect(await live.apply(record), "a record seen twice is ignored")
        let snapshot = try #require(await live.current())
        #expect(snapshot.words.map(\.value) == ["hem", "dress"] && snapshot.words.map(\.count) == [5, 4])
        #expect(snapshot.predictions.map(\._id) == ["d", "c", "b", "a"])
        #expect(snapshot.accuracy == [AccuracyPoint(_id: 4, value: 0.75), AccuracyPoint(_id: 2, value: 0.5)])
        #expect(snapshot.summary.reviews == 4 && snapshot.summary.correct == 3 && snapshot.summary.accuracy == 0.75)
        #expect(snapshot.summary.modelVersion == "v2" && snapshot.summary.deadLettered == 1)
        #expect(await live.topWords(10)?.first == WordCountEntry(_id: "hem", value: "hem", count: 5))

        var skipped = record
        skipped.batch = 4
        #expect(await live.apply(skipped) == false, "batch 3 is missing")
        #expect(await live.current() == snapshot)
        // The totals were reset (batch numbers start again): a record below the last one seen asks for a reload.
        var restarted = record
        restarted.batch = 1
        #expect(await live.apply(restarted) == false)
    }
}
