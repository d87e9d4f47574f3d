import Foundation
import Synchronization

/// Each product's most similar products by cosine similarity of TF-IDF profiles of its reviews.
///
/// A product's profile is the hashed word counts of all its reviews' text and titles taken together (the analysis
/// core's ``HashingVectorizer`` with unigrams and stop words removed), weighted by an IDF fitted over products (a
/// word every product's reviews use says nothing about which products are alike), L2-normalised and cut to its
/// `maxTerms` heaviest words. Similarities come from an inverted index over those profiles: the cost is the sum over
/// words of (products using the word)², so cutting the profiles keeps it near linear in the number of products —
/// the heaviest words of a product are the ones few other products use. Counting the reviews is linear in their
/// total length.
public struct ProductSimilarity: Sendable {
    /// One review of a product.
    public struct Review: Sendable {
        public var productID: String
        public var text: String
        public var title: String

        public init(productID: String, text: String, title: String = "") {
            self.productID = productID
            self.text = text
            self.title = title
        }
    }

    /// A product and its neighbours, best first, with their cosine similarity in (0, 1].
    public struct Neighbours: Sendable, Equatable {
        public var productID: String
        public var reviews: Int
        public var similar: [(id: String, score: Double)]

        public static func == (a: Neighbours, b: Neighbours) -> Bool {
            a.productID == b.productID && a.reviews == b.reviews
                && a.similar.map(\.id) == b.similar.map(\.id) && a.similar.map(\.score) == b.similar.map(\.score)
        }
    }

    public var neighbours: Int
    public var maxTerms: Int
    public var parameters: VectorizerParameters

    public init(neighbours: Int = 4, maxTerms: Int = 300, hashBits: Int = 18) {
        self.neighbours = neighbours
        self.maxTerms = maxTerms
        parameters = VectorizerParameters(hashBits: hashBits, ngramMax: 1, sublinearTF: true, markNegation: false,
                                          removeStopWords: true, summaryWeight: 0, closingWeight: 0)
    }

    /// The neighbours of every product with at least one review, in product-id order. `progress` is called with the
    /// fraction done and what is being done, from any thread and possibly from several at once.
    public func compute(_ reviews: [Review], progress: @Sendable (Double, String) -> Void = { _, _ in }) -> [Neighbours] {
        // 1. Word counts per product, summed over its reviews.
        var index: [String: Int] = [:], ids: [String] = [], tallies: [[Int32: Float]] = [], reviewCounts: [Int] = []
        for (number, review) in reviews.enumerated() {
            let product: Int
            if let known = index[review.productID] {
                product = known
            } else {
                product = ids.count
                index[review.productID] = product
                ids.append(review.productID)
                tallies.append([:])
                reviewCounts.append(0)
            }
            let text = review.title.isEmpty ? review.text : review.text + "\n" + review.title
            let counts = HashingVectorizer.counts(text: text, summary: "", parameters: parameters)
            for (bucket, count) in zip(counts.textBuckets, counts.textCounts) { tallies[product][bucket, default: 0] += count }
            reviewCounts[product] += 1
            if number % 2000 == 0 { progress(0.5 * Double(number) / Double(max(reviews.count, 1)), "counting words") }
        }
        let profiles: [TermCounts] = tallies.map { tally in
            var counts = TermCounts()
            let buckets = tally.keys.sorted()
            counts.textBuckets = buckets
            counts.textCounts = buckets.map { tally[$0]! }
            return counts
        }
        tallies = []

        // 2. TF-IDF over products, cut to each profile's heaviest words and normalised again.
        let vectorizer = HashingVectorizer(parameters: parameters, fittedOn: profiles)
        let vectors: [SparseVector] = profiles.map { Self.heaviest(vectorizer.transform($0), maxTerms) }

        // 3. Dot products through an inverted index; each product's row is independent, so rows run in parallel.
        var postings: [Int32: [(product: Int32, weight: Float)]] = [:]
        for (product, vector) in vectors.enumerated() {
            for (bucket, weight) in zip(vector.indices, vector.values) { postings[bucket, default: []].append((Int32(product), weight)) }
        }
        let lookup = postings, count = vectors.count, k = neighbours, productIDs = ids
        let done = Mutex(0)
        let chunk = max(1, count / 64)
        // Each part returns the rows of its own products, in product order.
        let rows = DispatchQueue.concurrentMap(count: (count + chunk - 1) / chunk) { part -> [[(Int32, Float)]] in
            var scores = [Float](repeating: 0, count: count)
            var touched: [Int32] = []
            var partRows: [[(Int32, Float)]] = []
            for product in (part * chunk)..<min(count, (part + 1) * chunk) {
                let vector = vectors[product]
                for (bucket, weight) in zip(vector.indices, vector.values) {
                    for posting in lookup[bucket]! {
                        if scores[Int(posting.product)] == 0 { touched.append(posting.product) }
                        scores[Int(posting.product)] += weight * posting.weight
                    }
                }
                var best: [(Int32, Float)] = []
                for other in touched where Int(other) != product {
                    let score = scores[Int(other)]
                    guard score > 0 else { continue }
                    if best.count < k || Self.ranks(score, other, before: best[best.count - 1], ids: productIDs) {
                        best.append((other, score))
                        best.sort { Self.ranks($0.1, $0.0, before: $1, ids: productIDs) }
                        if best.count > k { best.removeLast() }
                    }
                }
                for other in touched { scores[Int(other)] = 0 }
                touched.removeAll(keepingCapacity: true)
                partRows.append(best)
            }
            let finished = done.withLock { $0 += partRows.count; return $0 }
            progress(0.5 + 0.5 * Double(finished) / Double(max(count, 1)), "comparing products")
            return partRows
        }.flatMap { $0 }
        progress(1, "done")
        return (0..<count).sorted { ids[$0] < ids[$1] }.map { product in
            Neighbours(productID: ids[product], reviews: reviewCounts[product],
                       similar: rows[product].map { (id: ids[Int($0.0)], score: min(1, Double($0.1))) })
        }
    }

    /// Higher score first; the id settles ties so results do not depend on thread timing.
    private static func ranks(_ score: Float, _ product: Int32, before other: (Int32, Float), ids: [String]) -> Bool {
        score != other.1 ? score > other.1 : ids[Int(product)] < ids[Int(other.0)]
    }

    /// The `limit` largest weights of `vector`, L2-normalised, indices ascending.
    static func heaviest(_ vector: SparseVector, _ limit: Int) -> SparseVector {
        var pairs = Array(zip(vector.indices, vector.values))
        if pairs.count > limit {
            pairs.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            pairs.removeLast(pairs.count - limit)
            pairs.sort { $0.0 < $1.0 }
        }
        let norm = pairs.reduce(0.0) { $0 + Double($1.1) * Double($1.1) }.squareRoot()
        guard norm > 0 else { return SparseVector() }
        return SparseVector(indices: pairs.map(\.0), values: pairs.map { Float(Double($0.1) / norm) })
    }
}
