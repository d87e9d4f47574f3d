import Foundation
import Mongo
import ReviewContracts
import StreamCore

/// The per-product figures of one batch, as one grouped write: a single unordered `bulkWrite` with one upsert per
/// touched product (`$inc` of its counts and histogram buckets, `$max` of its last review time), whatever the
/// number of reviews. Written in the batch's transaction with the offsets, so the figures are exact through crashes
/// like the word counts. A product not in the catalog yet gets a bare entry that the catalog fills in later
/// (``CatalogStore`` sets only the catalog fields).
struct ProductFiguresWrite {
    /// What a batch adds to one product.
    struct Figures: Equatable {
        var reviews = 0
        var ratingSum = 0.0
        /// Reviews per whole star, index 0 = one star.
        var ratings = [0, 0, 0, 0, 0]
        var positive = 0
        var negative = 0
        var correct = 0
        var lastReviewAt: Date?
    }

    /// By product id; reviews without an `itemId` belong to no product.
    private(set) var figures: [String: Figures] = [:]

    /// Sums `reviews`; a review without a submission time counts as reviewed at `processedAt`.
    init(reviews: [MicroBatch.Review], processedAt: Date) {
        for review in reviews {
            guard let id = review.message.itemId, !id.isEmpty else { continue }
            var entry = figures[id] ?? Figures()
            entry.reviews += 1
            entry.ratingSum += review.message.overall
            entry.ratings[Product.stars(forScore: review.message.overall) - 1] += 1
            if review.prediction.label == .positive { entry.positive += 1 } else { entry.negative += 1 }
            if review.isCorrect { entry.correct += 1 }
            let at = review.message.submittedAt ?? processedAt
            entry.lastReviewAt = max(entry.lastReviewAt ?? at, at)
            figures[id] = entry
        }
    }

    var isEmpty: Bool { figures.isEmpty }

    /// One upsert per product, in id order.
    var operations: [MongoWriteOperation] {
        typealias Field = Product.CodingKeys
        return figures.keys.sorted().map { id in
            let entry = figures[id]!
            var increments: BSONDocument = [
                Field.reviews.rawValue: .int64(Int64(entry.reviews)),
                Field.ratingSum.rawValue: .double(entry.ratingSum),
                Field.positive.rawValue: .int64(Int64(entry.positive)),
                Field.negative.rawValue: .int64(Int64(entry.negative)),
                Field.correct.rawValue: .int64(Int64(entry.correct)),
            ]
            for (index, count) in entry.ratings.enumerated() where count > 0 {
                increments[Product.ratingPath(stars: index + 1)] = .int64(Int64(count))
            }
            var update: BSONDocument = ["$inc": .document(increments)]
            if let last = entry.lastReviewAt { update["$max"] = [Field.lastReviewAt.rawValue: .date(last)] }
            return .updateOne(filter: ["_id": .string(id)], update: update, upsert: true)
        }
    }

    /// Sends the write inside the batch's transaction (one round trip; none for a batch without products).
    func write(to database: MongoDatabase, session: MongoSession, outcome: inout ResultStore.Outcome) async throws {
        guard !isEmpty else { return }
        try await database.collection(ProductCollections.products).bulkWrite(operations, ordered: false, session: session)
        outcome.roundTrips += 1
        outcome.lap("products")
    }
}
