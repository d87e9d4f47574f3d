import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Kafka
import Mongo
import ReviewAnalysis
import ReviewContracts
import Testing

@testable import StreamProcessor

/// A statically assigned processor stops fetching when nothing arrives and starts again, promptly and without losing
/// a review, when reviews arrive.
@Suite("idle fetch pause")
struct IdleFetchPauseTests {
    @Test func readingGoesOnAtTheStoredPositionButNeverBeforeTheFirstOffsetKept() {
        let caughtUp = IdleFetchPause.position(next: 120, low: 0, high: 120)
        #expect(caughtUp.offset == 120 && !caughtUp.unread)
        let behind = IdleFetchPause.position(next: 100, low: 0, high: 120)
        #expect(behind.offset == 100 && behind.unread)
        // Nothing stored yet: from the first offset kept.
        let fresh = IdleFetchPause.position(next: nil, low: 40, high: 45)
        #expect(fresh.offset == 40 && fresh.unread)
        let empty = IdleFetchPause.position(next: nil, low: 0, high: 0)
        #expect(empty.offset == 0 && !empty.unread)
        // The stored position expired (retention): everything after it expired too.
        let expired = IdleFetchPause.position(next: 10, low: 50, high: 50)
        #expect(expired.offset == 50 && !expired.unread)
        let expiredWithMore = IdleFetchPause.position(next: 10, low: 50, high: 60)
        #expect(expiredWithMore.offset == 50 && expiredWithMore.unread)
        // Beyond the end: the log lost its tail; that is work for the truncation check, never a quiet partition.
        let truncated = IdleFetchPause.position(next: 130, low: 0, high: 120)
        #expect(truncated.unread)
    }

    @Test(.timeLimit(.minutes(3)))
    func anIdleProcessorStopsFetchingAndStartsAgainWhenReviewsArrive() async throws {
        let harness = ProcessorHarness()
        defer { harness.stopAll() }
        try await harness.createTopics()
        let port = try harness.start(0)
        let fixture = try ProcessorHarness.fixtureReviews()
        let client = try MongoClient(uri: ProcessorHarness.mongoURI)
        let totals = client.database(harness.database).collection(ResultCollections.totals)
        let counted = { @Sendable () async -> Int in
            (try? await totals.findOne(["_id": .string(ResultCollections.totalsID)]))?["count"]?.intValue ?? 0
        }
        var produced = 0
        for round in 0..<3 {
            let stopped = await Self.eventually(within: .seconds(30)) { await Self.metric("stream_fetch_paused", port: port) == 1 }
            #expect(stopped, "round \(round): fetching did not stop while idle")
            let reviews = (0..<40).map { index in
                let review = fixture[round * 40 + index]
                let id = "idle-\(round)-\(index)"
                return (key: id, value: ReviewMessage(id: id, reviewText: review.text, overall: review.score).encoded())
            }
            let start = ContinuousClock.now
            try await harness.produce(reviews)
            produced += reviews.count
            let target = produced
            let seen = await Self.eventually(within: .seconds(30)) { await counted() >= target }
            let count = await counted()
            #expect(seen, "round \(round): \(count) of \(target) counted")
            let elapsed = ContinuousClock.now - start
            #expect(elapsed < .seconds(5), "round \(round): the reviews took \(elapsed) to be counted after a quiet spell")
        }
        let count = await counted()
        #expect(count == produced)
        let stalled = await Self.metric("stream_stalled_partitions_total", port: port)
        #expect(stalled == 0)
        // Lag is still measured while fetching is stopped (the partitions are the processor's, not the consumer's
        // assignment of the moment).
        let lagMeasured = await Self.eventually(within: .seconds(15)) {
            let paused = await Self.metric("stream_fetch_paused", port: port) == 1
            let text = await Self.metricsText(port: port) ?? ""
            return paused && text.contains("stream_consumer_lag{")
        }
        #expect(lagMeasured)
    }

    static func metricsText(port: Int) async -> String? {
        guard let (data, _) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// A value from the processor's `/metrics`, or nil when it is not (yet) served.
    static func metric(_ name: String, port: Int) async -> Double? {
        guard let text = await metricsText(port: port) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1))
        }
        return nil
    }

    static func eventually(within limit: Duration, _ condition: @Sendable () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return await condition()
    }
}
