import Foundation
import Kafka
import Mongo
import ReviewContracts
import StreamCore
import Testing

@testable import StreamProcessor

@Suite("word-count writes")
struct WordCountWriteTests {
    @Test func storedWordsWithTheSameIncrementShareAStatementOfAtMostSixteen() {
        var counts: [String: Int] = [:]
        for index in 0..<40 { counts["w\(index)"] = 1 }
        counts["w40"] = 3
        counts["fresh"] = 2
        let write = WordCountWrite(counts: counts, isStored: { $0.hasPrefix("w") })
        #expect(write.groups.map(\.increment) == [1, 1, 1, 3])
        #expect(write.groups.map(\.words.count) == [16, 16, 8, 1])
        #expect(Set(write.groups.flatMap(\.words)) == Set((0...40).map { "w\($0)" }))
        #expect(write.upserts.map(\.word) == ["fresh"] && write.upserts.map(\.count) == [2])
        #expect(write.expectedMatches == 41)
        #expect(write.operations.count == 5)
    }

    @Test func withNothingKnownEveryWordIsItsOwnUpsert() {
        let counts = ["a": 1, "b": 1, "c": 2]
        let write = WordCountWrite(upserting: counts)
        #expect(write.groups.isEmpty && write.expectedMatches == 0)
        #expect(write.upserts.map(\.word) == ["a", "b", "c"])
        #expect(write.operations.count == 3)
    }

    /// Against the real database: grouped statements store exactly what one upsert per word stores, and a reset
    /// behind the processor's back (words it believes stored are gone) is detected and written correctly.
    @Test(.timeLimit(.minutes(3)))
    func groupedWritesStoreTheSameCountsAndSurviveADroppedCollection() async throws {
        let client = try MongoClient(uri: ProcessorHarness.mongoURI)
        defer { client.shutdown() }
        let database = client.database(ProcessorHarness.unique("wcw"))
        let store = ResultStore(database: database)
        try await store.prepare()
        let texts = try ProcessorHarness.fixtureReviews().prefix(300).map(\.text)

        var truth: [String: Int] = [:]
        var offset: Int64 = 0
        func batch(_ slice: ArraySlice<String>) -> MicroBatch {
            let messages = slice.map { text -> KafkaConsumerMessage in
                let value = try! JSONSerialization.data(withJSONObject: ["reviewText": text, "overall": 4])
                defer { offset += 1 }
                return MicroBatchTests.message(String(decoding: value, as: UTF8.self), offset: offset)
            }
            let batch = MicroBatchTests.batch(messages)
            truth.merge(batch.wordCounts, uniquingKeysWith: +)
            return batch
        }
        func storedCounts() async throws -> [String: Int] {
            let documents = try await database.collection(ResultCollections.wordCount).find([:])
            return Dictionary(uniqueKeysWithValues: documents.map { ($0["_id"]!.stringValue!, $0["count"]!.intValue!) })
        }

        let first = try await store.write(batch(texts[0..<100]))
        #expect(first.wordStatements == first.words.count, "nothing is known before the first commit")
        // The same reviews again (as new messages): every word is stored now, so they are written grouped.
        let second = try await store.write(batch(texts[0..<100]))
        #expect(second.counted == 100)
        #expect(second.wordStatements < second.words.count / 4, "the second batch's words are grouped")
        let third = try await store.write(batch(texts[100..<200]))
        #expect(third.wordStatements < third.words.count)
        #expect(try await storedCounts() == truth)

        // A restarted processor learns the stored words when it starts, so its first batch is grouped too.
        let restarted = ResultStore(database: database)
        try await restarted.prepare()
        let afterRestart = try await restarted.write(batch(texts[0..<100]))
        #expect(afterRestart.wordStatements < afterRestart.words.count / 4)
        #expect(try await storedCounts() == truth)

        // The collection is dropped behind the store's back: the grouped statements find nothing, and the batch is
        // written again with every word as an upsert.
        try await database.collection(ResultCollections.wordCount).drop()
        truth = [:]
        let fourth = try await store.write(batch(texts[200..<300]))
        #expect(fourth.counted == 100)
        #expect(fourth.wordStatements == fourth.words.count)
        #expect(try await storedCounts() == truth)
        try await database.drop()
    }
}
