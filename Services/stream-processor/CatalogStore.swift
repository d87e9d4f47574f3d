import Foundation
import Kafka
import Mongo
import ReviewContracts

/// Writes a batch of catalog entries into `products` with the offsets they cover, in one transaction, so a replayed
/// or re-delivered catalog message changes nothing: the stored offsets are read inside the transaction and every
/// message below them is dropped, as ``ResultStore`` does for reviews.
struct CatalogStore: Sendable {
    let database: MongoDatabase

    /// What one write did.
    struct Outcome: Sendable {
        var written = 0
        var deadLettered = 0
        var skipped = 0
        var nextOffsets: [KafkaTopicPartition: Int64] = [:]
    }

    /// Indexes the product readers need; safe to call on every start.
    func prepare() async throws {
        typealias Field = Product.CodingKeys
        try await database.collection(ProductCollections.products).createIndexes([
            MongoIndex(keys: [Field.keywords.rawValue: 1], name: "keywords"),
            MongoIndex(keys: [Field.reviews.rawValue: -1], name: "reviews_desc"),
            MongoIndex(keys: [Field.name.rawValue: 1], name: "name"),
        ])
        // A product's reviews, newest first, for its page.
        try await database.collection(ResultCollections.sentiment).createIndexes([
            MongoIndex(keys: ["itemId": 1, "seq": -1], name: "itemId_seq"),
        ])
    }

    func storedOffsets(topic: String) async throws -> [KafkaTopicPartition: Int64] {
        let documents = try await database.collection(ResultCollections.offsets).find(StoredPositionWrite.filter(topic: topic))
        return ResultStore.offsets(from: documents)
    }

    func write(_ batch: CatalogBatch, at now: Date = Date()) async throws -> Outcome {
        let partitions = Array(batch.nextOffsets.keys)
        return try await database.withTransaction { session in
            var outcome = Outcome()
            let stored = try await database.collection(ResultCollections.offsets).find(
                ["_id": ["$in": .array(partitions.map { .string(ResultStore.offsetID($0)) })]], session: session
            )
            let fresh = batch.unseen(storedNext: ResultStore.offsets(from: stored))
            outcome.skipped = batch.messageCount - fresh.messageCount
            guard !fresh.nextOffsets.isEmpty else { return outcome }
            let products = fresh.newestPerProduct
            if !products.isEmpty {
                let catalog = database.collection(ProductCollections.products)
                let before = try await catalog.find(
                    ["_id": ["$in": .array(products.map { .string($0.id) })]], projection: Self.indexedFields, session: session, as: Product.self
                )
                try await catalog.bulkWrite(products.map { Self.upsert($0, at: now) }, ordered: false, session: session)
                try await CatalogSearchTerms.write(products, before: before, in: database, session: session)
            }
            try await database.collection(ResultCollections.offsets).bulkWrite(
                fresh.nextOffsets.map { partition, next in StoredPositionWrite.operation(partition, next: next, lastKey: nil, at: now) },
                ordered: false, session: session
            )
            outcome.written = products.count
            outcome.deadLettered = fresh.deadLetters.count
            outcome.nextOffsets = fresh.nextOffsets
            return outcome
        }
    }

    /// What the search index needs of a product's stored entry: the words that named it and its review count.
    static let indexedFields: BSONDocument = [Product.CodingKeys.keywords.rawValue: 1, Product.CodingKeys.reviews.rawValue: 1]

    /// The catalog's part of a product: set from the message (the newest message is the whole catalog entry, so a
    /// category it no longer names is removed); the review figures are left as they are.
    static func upsert(_ product: ProductMessage, at now: Date) -> MongoWriteOperation {
        typealias Field = Product.CodingKeys
        var set: BSONDocument = [
            Field.name.rawValue: .string(product.name),
            Field.keywords.rawValue: .array(CatalogBatch.keywords(of: product).map { .string($0) }),
            Field.catalogedAt.rawValue: .date(now),
        ]
        var unset: BSONDocument = [:]
        for (field, value) in [(Field.division, product.division), (Field.department, product.department), (Field.productClass, product.productClass)] {
            if let value { set[field.rawValue] = .string(value) } else { unset[field.rawValue] = "" }
        }
        var update: BSONDocument = ["$set": .document(set)]
        if !unset.isEmpty { update["$unset"] = .document(unset) }
        return .updateOne(filter: ["_id": .string(product.id)], update: update, upsert: true)
    }
}
