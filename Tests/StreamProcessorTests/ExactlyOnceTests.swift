import Foundation
import Kafka
import Mongo
import ReviewAnalysis
import ReviewContracts
import Testing

/// The results count every review exactly once through `kill -9` and rebalances (issue 4's crash test).
@Suite("exactly-once results through crashes and rebalances", .serialized)
struct ExactlyOnceTests {
    /// How many reviews to stream; the proof uses 20,000 (`CRASH_TEST_REVIEWS=20000`).
    static let reviewCount = Int(ProcessInfo.processInfo.environment["CRASH_TEST_REVIEWS"] ?? "") ?? 20_000

    /// What the results must say, computed here from the input alone.
    struct GroundTruth {
        var words: [String: Int] = [:]
        var correct = 0
        var count = 0
        /// Each product's figures, as ``Product`` stores them.
        var products: [String: Product] = [:]
    }

    /// Reviews are spread over this many products, so a batch touches many and each product many batches.
    static let productCount = 53

    static func input(count: Int) throws -> (messages: [(key: String, value: [UInt8])], truth: GroundTruth) {
        let fixture = try ProcessorHarness.fixtureReviews()
        let model = try SentimentModel(contentsOf: ProcessorHarness.modelFile)
        let tokenizer = Tokenizer()
        let rule = LabelRule()
        var truth = GroundTruth()
        var messages: [(key: String, value: [UInt8])] = []
        for index in 0..<count {
            let review = fixture[index % fixture.count]
            let id = "review-\(index)"
            let itemId = "item-\(index % productCount)"
            messages.append((id, ReviewMessage(id: id, reviewText: review.text, overall: review.score, itemId: itemId).encoded()))
            for token in tokenizer.tokens(in: review.text) { truth.words[token, default: 0] += 1 }
            let predicted = model.predict(review.text).label
            let isCorrect = predicted == rule.label(forScore: review.score)
            if isCorrect { truth.correct += 1 }
            truth.count += 1
            var product = truth.products[itemId] ?? Product(id: itemId)
            product.reviews += 1
            product.ratingSum += review.score
            product.ratings["\(Product.stars(forScore: review.score))", default: 0] += 1
            if predicted == .positive { product.positive += 1 } else { product.negative += 1 }
            if isCorrect { product.correct += 1 }
            truth.products[itemId] = product
        }
        return (messages, truth)
    }

    static func verify(_ harness: ProcessorHarness, against truth: GroundTruth) async throws {
        let totals = try #require(try await harness.waitForTotals(reviews: truth.count, timeout: .seconds(240)))
        let database = try harness.results()
        #expect(totals["count"]?.intValue == truth.count)
        #expect(totals["correct"]?.intValue == truth.correct)
        #expect(try await database.collection(ResultCollections.sentiment).countDocuments() == truth.count)
        let stored = try await database.collection(ResultCollections.wordCount).find()
        var words: [String: Int] = [:]
        for document in stored { words[document["_id"]?.stringValue ?? "", default: 0] += document["count"]?.intValue ?? 0 }
        #expect(words.count == truth.words.count)
        #expect(words == truth.words, "word counts differ from the input's")
        let last = try await database.collection(ResultCollections.accuracy).find([:], sort: ["_id": -1], limit: 1).first
        #expect(last?["_id"]?.intValue == truth.count)
        #expect(last?["value"]?.doubleValue == Double(truth.correct) / Double(truth.count))
        // Per-product figures, exactly once like the word counts (the review times are the processor's own).
        var products: [String: Product] = [:]
        for var product in try await database.collection(ProductCollections.products).find(as: Product.self) {
            #expect(product.lastReviewAt != nil)
            product.lastReviewAt = nil
            products[product.id] = product
        }
        #expect(products.count == truth.products.count)
        #expect(products == truth.products, "per-product figures differ from the input's")
    }

    @Test(.timeLimit(.minutes(8)))
    func killingTheProcessorFiveTimesLosesAndDoubleCountsNothing() async throws {
        let harness = ProcessorHarness()
        defer { harness.stopAll() }
        try await harness.createTopics()
        let (messages, truth) = try Self.input(count: Self.reviewCount)
        try harness.start(0)
        let producing = Task { try await harness.produce(messages) }
        for _ in 0..<5 {
            try await Task.sleep(for: .milliseconds(Int.random(in: 1500...4000)))
            harness.kill(0)
            try harness.start(0)
        }
        try await producing.value
        try await Self.verify(harness, against: truth)
        harness.stopAll()
        await harness.drop()
    }

    /// Two members of one consumer group; one leaves (SIGTERM) and comes back, so the group rebalances twice and
    /// the local broker re-delivers messages around each rebalance.
    @Test(.timeLimit(.minutes(8)))
    func twoGroupMembersCountEachReviewOnceThroughRebalances() async throws {
        let harness = ProcessorHarness()
        defer { harness.stopAll() }
        try await harness.createTopics()
        let (messages, truth) = try Self.input(count: Self.reviewCount / 2)
        try harness.start(0, assignment: "group")
        try harness.start(1, assignment: "group")
        let producing = Task { try await harness.produce(messages) }
        try await Task.sleep(for: .seconds(4))
        harness.kill(1, signal: SIGTERM)
        try await Task.sleep(for: .seconds(3))
        try harness.start(1, assignment: "group")
        try await producing.value
        try await Self.verify(harness, against: truth)
        harness.stopAll()
        await harness.drop()
    }

    /// Two processors splitting the partitions; one is killed with SIGKILL mid-stream and restarted. (The local
    /// broker's group coordinator never finishes a rebalance after a SIGKILL, so this runs with static assignment.)
    @Test(.timeLimit(.minutes(8)))
    func twoProcessorsWithOneKilledAndRestartedCountEachReviewOnce() async throws {
        let harness = ProcessorHarness()
        defer { harness.stopAll() }
        try await harness.createTopics()
        let (messages, truth) = try Self.input(count: Self.reviewCount / 2)
        try harness.start(0, assignment: "static:0/2")
        try harness.start(1, assignment: "static:1/2")
        let producing = Task { try await harness.produce(messages) }
        try await Task.sleep(for: .seconds(3))
        harness.kill(1)
        try await Task.sleep(for: .seconds(2))
        try harness.start(1, assignment: "static:1/2")
        try await producing.value
        try await Self.verify(harness, against: truth)
        harness.stopAll()
        await harness.drop()
    }
}
