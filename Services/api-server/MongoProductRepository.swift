import Foundation
import Mongo
import ReviewContracts

/// Reads `products`, `similar` and a product's `sentiment` documents as the stream processor and the trainer wrote
/// them, decoded as their ``Product`` and ``SimilarProducts`` types.
struct MongoProductRepository: ProductRepository {
    let database: MongoDatabase
    private typealias Field = Product.CodingKeys

    private var collection: MongoCollection { database.collection(ProductCollections.products) }

    func products(order: ProductOrder, offset: Int, limit: Int) async throws -> [Product] {
        if let sort = order.sort {
            return try await collection.find([:], sort: sort, limit: limit, skip: offset, as: Product.self)
        }
        // The average is derived from two stored sums, so no index orders by it: sort the catalog here (1,179
        // products at the dataset's size, read in a few milliseconds).
        let all = try await collection.find([:], projection: Self.figuresOnly, as: Product.self)
        return Array(all.sorted(by: order.precedes).dropFirst(offset).prefix(limit))
    }

    func top(order: ProductOrder, limit: Int, minimumReviews: Int) async throws -> [Product] {
        if order == .rating {
            let rated = try await collection.find(
                [Field.reviews.rawValue: ["$gte": .int64(Int64(minimumReviews))]], projection: Self.figuresOnly, as: Product.self
            )
            return Array(rated.sorted(by: order.precedes).prefix(limit))
        }
        return try await products(order: order, offset: 0, limit: limit)
    }

    func product(id: String) async throws -> Product? {
        try await collection.find(["_id": .string(id)], limit: 1, as: Product.self).first
    }

    func productCount() async throws -> Int {
        try await collection.countDocuments()
    }

    func allFigures() async throws -> [Product] {
        try await collection.find([:], projection: Self.figuresOnly, as: Product.self)
    }

    func products(ids: [String]) async throws -> [Product] {
        guard !ids.isEmpty else { return [] }
        return try await collection.find(["_id": ["$in": .array(ids.map { .string($0) })]], as: Product.self)
    }

    func similar(id: String) async throws -> SimilarProducts? {
        try await database.collection(ProductCollections.similar).find(["_id": .string(id)], limit: 1, as: SimilarProducts.self).first
    }

    func reviews(productID: String, before: Int?, limit: Int) async throws -> [ProductReviewEntry] {
        typealias Field = SentimentDocument.CodingKeys
        var filter: BSONDocument = [Field.itemId.rawValue: .string(productID)]
        if let before { filter[Field.seq.rawValue] = ["$lt": .int64(Int64(before))] }
        return try await database.collection(ResultCollections.sentiment)
            .find(filter, sort: [Field.itemId.rawValue: 1, Field.seq.rawValue: -1], limit: limit)
            .compactMap(Self.review(from:))
    }

    func searchTerms(_ words: [String]) async throws -> [SearchTerm] {
        try await database.collection(ProductCollections.searchTerms).find(
            ["_id": ["$in": .array(words.map { .string($0) })]], as: SearchTerm.self
        )
    }

    func reviews(ids: [String]) async throws -> [ProductReviewEntry] {
        guard !ids.isEmpty else { return [] }
        return try await database.collection(ResultCollections.sentiment)
            .find(["_id": ["$in": .array(ids.map { .string($0) })]])
            .compactMap(Self.review(from:))
    }

    /// Everything but the search keywords, for reads of many products.
    private static let figuresOnly: BSONDocument = [Field.keywords.rawValue: 0]

    static func review(from document: BSONDocument) -> ProductReviewEntry? {
        guard let stored = MongoResultsRepository.decoded(SentimentDocument.self, from: document), let seq = stored.seq else { return nil }
        return ProductReviewEntry(
            id: stored.id, itemId: stored.itemId, review: stored.review, score: stored.score, expected: stored.expected,
            result: stored.result, probability: stored.probability, processedAt: stored.processedAt, seq: seq
        )
    }
}
