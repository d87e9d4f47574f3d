/// The words each product's reviews use most, by the number of its reviews that use them: what search matches a
/// product by when the words are not in its name or categories. Words are the word count's (``Tokenizer``, stop words
/// dropped), so a query split the same way finds them.
public struct ProductTerms: Sendable {
    /// Words kept per product.
    public var limit: Int
    /// A word must be used by at least this many of the product's reviews (once is noise).
    public var minReviews: Int

    public init(limit: Int = 40, minReviews: Int = 2) {
        self.limit = limit
        self.minReviews = minReviews
    }

    /// For each product, its words with the number of its reviews using each, most used first (ties by word).
    public func compute(_ reviews: [ProductSimilarity.Review]) -> [String: [(word: String, reviews: Int)]] {
        let tokenizer = Tokenizer()
        var usage: [String: [String: Int]] = [:]
        for review in reviews {
            let words = Set(tokenizer.tokens(in: review.text + "\n" + review.title))
            var counts = usage[review.productID] ?? [:]
            for word in words { counts[word, default: 0] += 1 }
            usage[review.productID] = counts
        }
        return usage.mapValues { counts in
            counts.filter { $0.value >= minReviews }
                .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .prefix(limit)
                .map { (word: $0.key, reviews: $0.value) }
        }
    }
}
