import Foundation
import Kafka
import Mongo
import ReviewAnalysis
import ReviewContracts
import StreamCore
import Testing

@testable import StreamProcessor

@Suite("per-product figures")
struct ProductFiguresWriteTests {
    static func review(_ id: String, item: String?, score: Double, predicted: SentimentLabel, at: Date? = nil) -> MicroBatch.Review {
        MicroBatch.Review(
            position: KafkaTopicPartitionOffset(topic: "reviews", partition: 0, offset: 0),
            message: ReviewMessage(id: id, reviewText: "text", overall: score, itemId: item, submittedAt: at),
            expected: LabelRule().label(forScore: score),
            prediction: SentimentPrediction(label: predicted, probability: predicted == .positive ? 0.9 : 0.1),
            modelVersion: "m",
            source: KafkaConsumerMessage(topic: "reviews", partition: 0, offset: 0, key: Array(id.utf8), value: [], headers: [], timestamp: nil)
        )
    }

    @Test func aBatchBecomesOneUpsertPerTouchedProduct() {
        let early = Date(timeIntervalSince1970: 1_000), late = Date(timeIntervalSince1970: 2_000), now = Date(timeIntervalSince1970: 3_000)
        let write = ProductFiguresWrite(reviews: [
            Self.review("a", item: "1", score: 5, predicted: .positive, at: late),
            Self.review("b", item: "1", score: 2, predicted: .positive, at: early),
            Self.review("c", item: "1", score: 4.6, predicted: .negative, at: early),
            Self.review("d", item: "2", score: 1, predicted: .negative),
            Self.review("e", item: nil, score: 3, predicted: .negative),
        ], processedAt: now)
        #expect(write.figures.count == 2)
        #expect(write.figures["1"] == .init(reviews: 3, ratingSum: 11.6, ratings: [0, 1, 0, 0, 2], positive: 2, negative: 1, correct: 1, lastReviewAt: late))
        #expect(write.figures["2"] == .init(reviews: 1, ratingSum: 1, ratings: [1, 0, 0, 0, 0], positive: 0, negative: 1, correct: 1, lastReviewAt: now))
        let operations = write.operations
        #expect(operations.count == 2)
        guard case .updateOne(let filter, let update, let upsert) = operations[0] else {
            Issue.record("expected an updateOne, got \(operations[0])")
            return
        }
        #expect(filter == ["_id": "1"] && upsert)
        #expect(update["$inc"]?.documentValue?["ratings.5"] == .int64(2))
        #expect(update["$inc"]?.documentValue?["ratings.3"] == nil)
        #expect(update["$max"]?.documentValue?["lastReviewAt"] == .date(late))
        #expect(ProductFiguresWrite(reviews: [Self.review("x", item: nil, score: 3, predicted: .positive)], processedAt: now).isEmpty)
    }

    /// Against the real database: two batches add up, a product first seen in a review is a bare entry, and the
    /// catalog names it later without touching its figures.
    @Test(.timeLimit(.minutes(2)))
    func figuresAddUpAndTheCatalogFillsInABareProduct() async throws {
        let client = try MongoClient(uri: ProcessorHarness.mongoURI)
        defer { client.shutdown() }
        let database = client.database(ProcessorHarness.unique("pfw"))
        let products = database.collection(ProductCollections.products)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        for batch in [
            [Self.review("a", item: "77", score: 5, predicted: .positive), Self.review("b", item: "77", score: 1, predicted: .positive)],
            [Self.review("c", item: "77", score: 4, predicted: .positive, at: now.addingTimeInterval(60))],
        ] {
            let write = ProductFiguresWrite(reviews: batch, processedAt: now)
            try await database.withTransaction { session in
                var outcome = ResultStore.Outcome()
                try await write.write(to: database, session: session, outcome: &outcome)
                #expect(outcome.roundTrips == 1)
            }
        }
        var stored = try #require(try await products.find(["_id": "77"], as: Product.self).first)
        #expect(stored.name == nil)
        #expect(stored.reviews == 3 && stored.ratingSum == 10 && stored.positive == 3 && stored.negative == 0 && stored.correct == 2)
        #expect(stored.ratingHistogram == ["1": 1, "2": 0, "3": 0, "4": 1, "5": 1])
        #expect(stored.lastReviewAt == now.addingTimeInterval(60))

        let catalog = CatalogStore(database: database)
        let message = ProductMessage(id: "77", name: "Knits #77", division: "General", department: "Tops", productClass: "Knits")
        let batch = CatalogBatch(messages: [
            KafkaConsumerMessage(topic: "products", partition: 0, offset: 0, key: Array("77".utf8), value: message.encoded(), headers: [], timestamp: nil),
        ], validator: ProductValidator())
        _ = try await catalog.write(batch, at: now)
        stored = try #require(try await products.find(["_id": "77"], as: Product.self).first)
        #expect(stored.name == "Knits #77" && stored.department == "Tops" && stored.productClass == "Knits")
        #expect(Set(stored.keywords) == ["knits", "77", "general", "tops"])
        #expect(stored.reviews == 3 && stored.ratingSum == 10)
        // The same message again (a re-delivery) is below the stored offset: nothing is written.
        let again = try await catalog.write(batch, at: now.addingTimeInterval(5))
        #expect(again.written == 0 && again.skipped == 1)
        #expect(try await products.find(["_id": "77"], as: Product.self).first?.catalogedAt == now)
        try await database.drop()
    }
}
