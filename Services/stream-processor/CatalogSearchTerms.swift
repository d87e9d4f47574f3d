import Mongo
import ReviewAnalysis
import ReviewContracts

/// Keeps the search index's catalog part current between two rebuilds by `trainer similar`: in the transaction that
/// upserts catalog entries, each product is added to the documents of the words that now name it and taken out of
/// those that no longer do. Reads the touched words' documents and writes back the changed ones: two round trips per
/// catalog batch, whatever its size.
struct CatalogSearchTerms {
    /// The index documents after the batch: `changed` to replace (upserted), `emptied` to delete. Pure.
    static func apply(_ products: [ProductMessage], before: [String: Product], terms: [String: SearchTerm],
                      tokenizer: Tokenizer = Tokenizer()) -> (changed: [SearchTerm], emptied: [String]) {
        var documents = terms
        var touched = Set<String>()
        for product in products {
            let keywords = Set(CatalogBatch.keywords(of: product, tokenizer: tokenizer))
            let nameWords = Set(tokenizer.tokens(in: product.name))
            let old = before[product.id]
            for word in Set(old?.keywords ?? []).subtracting(keywords) {
                documents[word]?.removeCatalogEntry(productID: product.id)
                touched.insert(word)
            }
            for word in keywords {
                documents[word, default: SearchTerm(id: word)].setCatalogEntry(
                    productID: product.id, inName: nameWords.contains(word), reviews: old?.reviews ?? 0
                )
                touched.insert(word)
            }
        }
        let changed = touched.sorted().compactMap { documents[$0] }.filter { !$0.isEmpty && $0 != terms[$0.id] }
        let emptied = touched.sorted().filter { documents[$0]?.isEmpty ?? false && terms[$0] != nil }
        return (changed, emptied)
    }

    /// Applies ``apply`` to the stored index inside `session`'s transaction.
    static func write(_ products: [ProductMessage], before: [Product], in database: MongoDatabase, session: MongoSession) async throws {
        let tokenizer = Tokenizer()
        var words = Set<String>()
        for product in products { words.formUnion(CatalogBatch.keywords(of: product, tokenizer: tokenizer)) }
        for product in before { words.formUnion(product.keywords) }
        guard !words.isEmpty else { return }
        let collection = database.collection(ProductCollections.searchTerms)
        let stored = try await collection.find(
            ["_id": ["$in": .array(words.sorted().map { .string($0) })]], session: session, as: SearchTerm.self
        )
        let (changed, emptied) = apply(
            products, before: Dictionary(before.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }),
            terms: Dictionary(stored.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }), tokenizer: tokenizer
        )
        let encoder = BSONEncoder()
        let operations: [MongoWriteOperation] = try changed.map {
            .replaceOne(filter: ["_id": .string($0.id)], replacement: try encoder.encode($0), upsert: true)
        } + emptied.map { .deleteOne(filter: ["_id": .string($0)]) }
        guard !operations.isEmpty else { return }
        try await collection.bulkWrite(operations, ordered: false, session: session)
    }
}
