import Foundation
import Kafka
import Mongo
import ReviewAnalysis
import ReviewContracts
import StreamCore
import Testing

@testable import StreamProcessor

@Suite("micro-batch: duplicates, splitting, truncation verdicts")
struct MicroBatchFaultTests {
    static func message(_ id: String, _ text: String = "soft warm fabric", partition: Int32 = 0, offset: Int64, key: String? = nil) -> KafkaConsumerMessage {
        KafkaConsumerMessage(
            topic: "reviews", partition: partition, offset: offset, key: Array((key ?? id).utf8),
            value: Array(#"{"id": "\#(id)", "reviewText": "\#(text)", "overall": 5}"#.utf8), headers: [], timestamp: nil
        )
    }

    @Test func reviewIDsAlreadyStoredOrRepeatedInTheBatchAreLeftOutAndTheirWordsNotCounted() {
        let batch = MicroBatchTests.batch([
            Self.message("a", "alpha", offset: 0), Self.message("b", "beta", offset: 1),
            Self.message("a", "alpha", offset: 2), Self.message("c", "gamma", offset: 3),
        ])
        let fresh = batch.unseen(storedNext: [:], storedIDs: ["c"])
        #expect(fresh.reviews.map(\.message.id) == ["a", "b"])
        #expect(fresh.wordCounts == ["alpha": 1, "beta": 1])
        // The offsets still move past every message, duplicates included.
        #expect(fresh.nextOffsets == [KafkaTopicPartition(topic: "reviews", partition: 0): 4])
        #expect(fresh.lastKeys == [KafkaTopicPartition(topic: "reviews", partition: 0): "c"])
    }

    @Test func halvesKeepEachPartitionsLowerOffsetsFirstAndTogetherMakeTheWhole() throws {
        let batch = MicroBatchTests.batch([
            Self.message("p0-0", offset: 0), Self.message("p1-0", partition: 1, offset: 0), Self.message("p0-1", offset: 1),
            Self.message("p1-1", partition: 1, offset: 1), Self.message("p0-2", offset: 2),
            KafkaConsumerMessage(topic: "reviews", partition: 1, offset: 2, key: nil, value: Array("{broken".utf8), headers: [], timestamp: nil),
        ])
        let (first, second) = try #require(batch.halves())
        #expect(first.messageCount + second.messageCount == batch.messageCount)
        for partition in [Int32(0), 1] {
            let id = KafkaTopicPartition(topic: "reviews", partition: partition)
            let firstOffsets = first.reviews.filter { $0.position.partition == partition }.map(\.position.offset)
            let secondOffsets = second.reviews.filter { $0.position.partition == partition }.map(\.position.offset)
                + second.deadLetters.filter { $0.source.partition == partition }.map(\.source.offset)
            #expect((firstOffsets.max() ?? -1) < (secondOffsets.min() ?? .max))
            #expect(max(first.nextOffsets[id] ?? 0, second.nextOffsets[id] ?? 0) == batch.nextOffsets[id])
        }
        var words = first.wordCounts
        words.merge(second.wordCounts, uniquingKeysWith: +)
        #expect(words == batch.wordCounts)
        #expect(MicroBatchTests.batch([Self.message("only", offset: 9)]).halves() == nil)
    }

    @Test func aRefusedReviewBecomesADeadLetterWhoseOffsetIsStillCovered() {
        let batch = MicroBatchTests.batch([Self.message("x", offset: 41)])
        let refused = batch.deadLettered(reason: "Document failed validation")
        #expect(refused.reviews.isEmpty)
        #expect(refused.deadLetters.map(\.rejection.reason) == ["unwritable"])
        #expect(refused.deadLetters.first?.source.offset == 41)
        #expect(refused.nextOffsets == batch.nextOffsets)
    }

    @Test func aBareReviewsFallbackIDChangesWithItsTimestampSoAReusedOffsetIsANewReview() {
        func bare(_ milliseconds: Double?) -> KafkaConsumerMessage {
            KafkaConsumerMessage(topic: "reviews", partition: 2, offset: 7, key: nil, value: Array(#"{"reviewText": "ok", "overall": 4}"#.utf8),
                                 headers: [], timestamp: milliseconds.map { Date(timeIntervalSince1970: $0 / 1000) })
        }
        #expect(MicroBatch.fallbackID(bare(nil)) == "reviews/2/7")
        #expect(MicroBatch.fallbackID(bare(1_700_000_000_123)) == "reviews/2/7@1700000000123")
        #expect(MicroBatch.fallbackID(bare(1_700_000_000_123)) != MicroBatch.fallbackID(bare(1_700_000_009_999)))
    }

    @Test func storedPositionsAreJudgedAgainstTheLog() {
        // Inside the log: kept (the key check decides).
        #expect(LogTruncationCheck.judge(next: 50, low: 0, high: 80, rewind: 1000) == nil)
        #expect(LogTruncationCheck.judge(next: 80, low: 0, high: 80, rewind: 1000) == nil)
        // Beyond the end: truncated; read again from `rewind` before the end.
        let beyond = LogTruncationCheck.judge(next: 5000, low: 0, high: 4000, rewind: 1000)
        #expect(beyond?.resumeAt == 3000 && beyond?.reason != nil)
        #expect(LogTruncationCheck.judge(next: 90, low: 10, high: 60, rewind: 1000)?.resumeAt == 10)
        // Before the start (retention removed unread messages): on from the start, not a truncation.
        let expired = LogTruncationCheck.judge(next: 5, low: 20, high: 30, rewind: 1000)
        #expect(expired?.resumeAt == 20 && expired?.reason == nil)
    }

    @Test func onlyARefusalByTheDatabaseSplitsABatchNeverAnOutage() {
        #expect(ReviewStreamService.refusesData(MongoError.server(code: 121, message: "Document failed validation", labels: [])))
        #expect(ReviewStreamService.refusesData(MongoError.server(code: 10334, message: "BSONObjTooLarge", labels: [])))
        #expect(ReviewStreamService.refusesData(MongoError.user(message: "document too large")))
        #expect(!ReviewStreamService.refusesData(MongoError.connection(message: "No suitable servers found")))
        #expect(!ReviewStreamService.refusesData(MongoError.server(code: 91, message: "ShutdownInProgress", labels: [])))
        #expect(!ReviewStreamService.refusesData(MongoError.server(code: 112, message: "WriteConflict", labels: ["TransientTransactionError"])))
        #expect(!ReviewStreamService.refusesData(CancellationError()))
    }
}
