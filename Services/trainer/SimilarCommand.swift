import ArgumentParser
import Foundation
import Mongo
import ReviewAnalysis
import ReviewContracts

/// `trainer similar`: every product's most similar products by cosine similarity of its reviews' TF-IDF profiles,
/// written to the `similar` collection in one swap, or printed for offline evaluation.
struct SimilarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "Compute each product's most similar products (cosine similarity of TF-IDF profiles of its reviews).",
        discussion: """
        Without --data the reviews are the processed ones in the database (MONGO_URI, MONGO_DB), and the result \
        replaces the `similar` collection at once: it is written to a collection of its own, which is then renamed \
        over `similar`, so readers see the old set or the new one, never a mix; the search index (`search_terms`: \
        each word's products and newest reviews) is rebuilt the same way. With --data FILE (JSON lines with \
        reviewText, summary and itemId or asin) nothing is written; --json prints one line per product. The \
        catalog's classes are never an input: --report uses them to judge the result.
        """
    )

    @Option(help: "Reviews file to read instead of the database (no write).")
    var data: String?
    @Option(help: "Catalog file for --report with --data (default: products.jsonl beside the data file).")
    var catalog: String?
    @OptionGroup var database: ModelDatabaseOptions
    @Option(help: "Neighbours per product.")
    var neighbours = 4
    @Option(help: "Words kept in each product's profile (its heaviest); bounds the cost of comparing products.")
    var maxTerms = 300
    @Option(help: "Write nothing while fewer products than this have reviews (too few to compare).")
    var minProducts = 10
    @Option(help: "Products with at least this many reviews form the report's second group.")
    var minReviews = 20
    @Option(help: "Synthetic scale for benchmarks: each product appears N times, each copy under a new id with its reviews drawn at random (seeded) from the original's.")
    var scale = 1
    @Option(help: "Seed for --scale.")
    var seed: UInt64 = 42
    @Flag(help: "Print one JSON line per product: {\"id\", \"similar\": [{\"id\", \"score\"}]}.")
    var json = false
    @Flag(help: "Print the quality report (same-class share of neighbours against a random pick), time and memory.")
    var report = false
    @Flag(help: "No progress bar.")
    var quiet = false

    func validate() throws {
        guard (1...50).contains(neighbours) else { throw ValidationError("--neighbours must be 1–50") }
        guard maxTerms > 0, minProducts >= 2, minReviews > 0, scale >= 1 else {
            throw ValidationError("--max-terms, --min-reviews and --scale must be positive, --min-products at least 2")
        }
    }

    func run() async throws {
        let started = ContinuousClock.now
        var reviews: [ProductSimilarity.Review]
        var classes: [String: String] = [:]
        var cataloged: [Product] = []
        var reviewRefs: [(index: Int, entry: SearchTerm.ReviewEntry)] = []
        var client: MongoClient?
        defer { client?.shutdown() }
        if let data {
            reviews = try ProductReviewFile(path: data).reviews
            let catalogPath = catalog ?? URL(fileURLWithPath: data).deletingLastPathComponent().appendingPathComponent("products.jsonl").path
            if report, FileManager.default.fileExists(atPath: catalogPath) { classes = try ProductReviewFile.classes(catalog: catalogPath) }
        } else {
            client = try MongoClient(uri: database.mongoURI, appName: "trainer")
            let database = client!.database(self.database.mongoDB)
            reviews = []
            for document in try await database.collection(ResultCollections.sentiment)
                .find(["itemId": ["$exists": true]], projection: ["itemId": 1, "review": 1, "seq": 1]) {
                guard let id = document["itemId"]?.stringValue, let text = document["review"]?.stringValue else { continue }
                reviews.append(ProductSimilarity.Review(productID: id, text: text))
                if let reviewID = document["_id"]?.stringValue, let seq = document["seq"]?.intValue {
                    reviewRefs.append((reviews.count - 1, SearchTerm.ReviewEntry(id: reviewID, seq: seq)))
                }
            }
            cataloged = try await database.collection(ProductCollections.products).find(
                [:], projection: Self.catalogFields, as: Product.self
            )
            for product in cataloged { classes[product.id] = product.productClass }
        }
        if scale > 1 { (reviews, classes) = Self.scaled(reviews, classes: classes, by: scale, seed: seed) }

        let bar = ProgressBar(quiet: quiet || json)
        let results = ProductSimilarity(neighbours: neighbours, maxTerms: maxTerms).compute(reviews) { bar.update($0, $1) }
        bar.finish()
        if let client, data == nil {
            let database = client.database(self.database.mongoDB), admin = client.database("admin")
            // The search index is rebuilt on every run: the catalog's words need no reviews.
            let index = Self.searchIndex(catalog: cataloged, reviews: reviews, reviewRefs: reviewRefs)
            try await Self.replaceSearchIndex(index, in: database, admin: admin)
            if !json { print("search index: wrote \(index.count) words to \(self.database.mongoDB).\(ProductCollections.searchTerms)") }
            if results.count < minProducts {
                print("similar products: only \(results.count) products have reviews (need \(minProducts)); nothing written")
                return
            }
            try await Self.replace(results, in: database, admin: admin)
            if !json { print("similar products: wrote \(results.count) products to \(self.database.mongoDB).\(ProductCollections.similar)") }
        }
        if json {
            for result in results {
                let line: [String: Any] = ["id": result.productID, "similar": result.similar.map { ["id": $0.id, "score": $0.score] }]
                print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
            }
        }
        if report {
            let seconds = (ContinuousClock.now - started) / .seconds(1)
            let summary = SimilarityReport(results, classes: classes, minReviews: minReviews, reviews: reviews.count, seconds: seconds)
            // With --json the report is one more JSON line, on standard error, so standard output stays one line per product.
            if json {
                FileHandle.standardError.write(try JSONEncoder().encode(summary) + Data("\n".utf8))
            } else {
                print(summary.text)
            }
        }
    }

    /// Writes the set to a collection of its own, then renames it over `similar` (dropping the old set in the same
    /// step), so a reader sees either the whole old set or the whole new one.
    static func replace(_ results: [ProductSimilarity.Neighbours], in database: MongoDatabase, admin: MongoDatabase) async throws {
        let now = Date(), encoder = BSONEncoder()
        let documents = try results.map { result in
            try encoder.encode(SimilarProducts(
                id: result.productID, similar: result.similar.map { .init(id: $0.id, score: $0.score) }, computedAt: now
            ))
        }
        try await swap(documents, into: ProductCollections.similar, through: ProductCollections.similarStaging, in: database, admin: admin)
    }

    /// Replaces the search index (``SearchTerm`` documents) in one rename, as ``replace`` does the similar set.
    static func replaceSearchIndex(_ index: [SearchTerm], in database: MongoDatabase, admin: MongoDatabase) async throws {
        let encoder = BSONEncoder()
        try await swap(try index.map { try encoder.encode($0) }, into: ProductCollections.searchTerms,
                       through: ProductCollections.searchTermsStaging, in: database, admin: admin)
    }

    /// Writes `documents` to `staging` (emptied first), then renames it over `target`, dropping the old one in the
    /// same step.
    static func swap(_ documents: [BSONDocument], into target: String, through staging: String,
                     in database: MongoDatabase, admin: MongoDatabase) async throws {
        let collection = database.collection(staging)
        try await collection.drop()
        for start in stride(from: 0, to: documents.count, by: 1000) {
            try await collection.insertMany(Array(documents[start..<min(start + 1000, documents.count)]), ordered: false)
        }
        if documents.isEmpty { _ = try await database.runCommand(["create": .string(staging)]) }
        _ = try await admin.runCommand([
            "renameCollection": .string("\(database.name).\(staging)"),
            "to": .string("\(database.name).\(target)"),
            "dropTarget": true,
        ])
    }

    /// The product fields the index and the report read.
    static let catalogFields: BSONDocument = [
        Product.CodingKeys.name.rawValue: 1, Product.CodingKeys.keywords.rawValue: 1,
        Product.CodingKeys.reviews.rawValue: 1, Product.CodingKeys.productClass.rawValue: 1,
    ]

    /// The search index: every catalog word with the products it names, every word a product's reviews use often
    /// (``ProductTerms``) with the products whose reviews use it, and each word's newest reviews.
    static func searchIndex(catalog: [Product], reviews: [ProductSimilarity.Review],
                            reviewRefs: [(index: Int, entry: SearchTerm.ReviewEntry)]) -> [SearchTerm] {
        let tokenizer = Tokenizer()
        var builder = SearchIndexBuilder()
        var reviewCounts: [String: Int] = [:]
        for product in catalog {
            reviewCounts[product.id] = product.reviews
            builder.add(.init(id: product.id, nameWords: Set(tokenizer.tokens(in: product.name ?? "")),
                              keywords: Set(product.keywords), reviews: product.reviews))
        }
        for (productID, usage) in ProductTerms(limit: 200, minReviews: 1).compute(reviews) {
            builder.add(productID: productID, reviews: reviewCounts[productID] ?? 0, wordUsage: usage)
        }
        for (index, entry) in reviewRefs {
            builder.add(review: entry, words: Set(tokenizer.tokens(in: reviews[index].text + "\n" + reviews[index].title)))
        }
        return builder.build()
    }

    /// Each product `times` times: the original, and copies `id~k` whose reviews are drawn with replacement from the
    /// original's (same class), so the copies are alike but not identical.
    static func scaled(_ reviews: [ProductSimilarity.Review], classes: [String: String], by times: Int, seed: UInt64)
        -> ([ProductSimilarity.Review], [String: String]) {
        var generator = SeededGenerator(seed: seed)
        let byProduct = Dictionary(grouping: reviews, by: \.productID)
        var out = reviews, outClasses = classes
        for id in byProduct.keys.sorted() {
            let own = byProduct[id]!
            for copy in 1..<times {
                let copyID = "\(id)~\(copy)"
                outClasses[copyID] = classes[id]
                for _ in own {
                    var review = own.randomElement(using: &generator)!
                    review.productID = copyID
                    out.append(review)
                }
            }
        }
        return (out, outClasses)
    }
}
