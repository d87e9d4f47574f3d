import Foundation
import Mongo
import ReviewContracts
import Testing

/// A newer model published while the processor runs is swapped in without a restart or a lost review, an older one
/// activated again is swapped back, and every prediction records the model version that made it.
@Suite("model lifecycle")
struct ModelSwapTests {
    @Test(.timeLimit(.minutes(4)))
    func aNewerPublishedModelIsSwappedInAndAnActivatedOlderOneSwappedBackWithoutLosingAReview() async throws {
        let harness = ProcessorHarness()
        defer { harness.stopAll() }
        try await harness.createTopics()
        let first = try harness.publishModel(c: 3)
        try harness.start(0, modelFromCollection: true)
        let reviews = try ProcessorHarness.fixtureReviews()
        let before = (0..<150).map { (key: "a\($0)", value: ReviewMessage(id: "a\($0)", reviewText: reviews[$0].text, overall: reviews[$0].score).encoded()) }
        try await harness.produce(before)
        _ = try await harness.waitForTotals(reviews: 150, timeout: .seconds(60))

        // Versions carry the creation time to the second; make sure the second model is newer.
        try await Task.sleep(for: .seconds(1.1))
        let second = try harness.publishModel(c: 30)
        #expect(second != first)
        try await Task.sleep(for: .seconds(3))
        let after = (150..<300).map { (key: "b\($0)", value: ReviewMessage(id: "b\($0)", reviewText: reviews[$0].text, overall: reviews[$0].score).encoded()) }
        try await harness.produce(after)
        let totals = try await harness.waitForTotals(reviews: 300, timeout: .seconds(60))
        #expect(totals?["count"]?.intValue == 300)
        #expect(totals?["modelVersion"]?.stringValue == second)

        let sentiment = try harness.results().collection(ResultCollections.sentiment)
        #expect(try await sentiment.countDocuments(["modelVersion": .string(first)]) == 150)
        #expect(try await sentiment.countDocuments(["modelVersion": .string(second)]) == 150)
        #expect(try await sentiment.countDocuments(["_id": ["$regex": "^b"], "modelVersion": .string(second)]) == 150)

        // Rolling back to the first model: the processor switches within its model check (1 s here).
        try harness.activateModel(first)
        try await Task.sleep(for: .seconds(3))
        let rolledBack = (300..<450).map { (key: "c\($0)", value: ReviewMessage(id: "c\($0)", reviewText: reviews[$0].text, overall: reviews[$0].score).encoded()) }
        try await harness.produce(rolledBack)
        let afterRollback = try await harness.waitForTotals(reviews: 450, timeout: .seconds(60))
        #expect(afterRollback?["modelVersion"]?.stringValue == first)
        #expect(try await sentiment.countDocuments(["_id": ["$regex": "^c"], "modelVersion": .string(first)]) == 150)
        harness.stopAll()
        await harness.drop()
    }
}
