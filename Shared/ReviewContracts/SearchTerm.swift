import Foundation

/// A `search_terms` document: one word's entry in the search index, looked up by its `_id` (the word). It holds the
/// products the word finds, best first, and the newest reviews that use it, each list capped, so a search reads one
/// small document per query word however common the word is. (The local database fetches every document an index
/// matches before it sorts or limits: a word in half the catalog cost 30 ms through a multikey index, 300 ms at 10×
/// the catalog. A lookup by `_id` costs well under a millisecond at any size.)
///
/// `trainer similar` rebuilds the whole index in one swap from the catalog and the processed reviews; between two
/// rebuilds the stream processor keeps the catalog part current (``setCatalogEntry`` and ``removeCatalogEntry``
/// in the transaction that upserts the product), so a product the catalog names is found by its name at once.
public struct SearchTerm: Codable, Sendable, Equatable {
    /// A product the word finds.
    public struct ProductEntry: Codable, Sendable, Equatable {
        public var id: String
        /// The word is in the product's name.
        public var inName: Bool
        /// The word is in the product's name or categories.
        public var inCatalog: Bool
        /// How many of the product's reviews use the word (at the last rebuild).
        public var reviewsUsing: Int
        /// The product's review count when the entry was written: the last tie-break, and what keeps the most
        /// reviewed products of a word shared by more products than the cap.
        public var reviews: Int

        public init(id: String, inName: Bool = false, inCatalog: Bool = false, reviewsUsing: Int = 0, reviews: Int = 0) {
            self.id = id
            self.inName = inName
            self.inCatalog = inCatalog
            self.reviewsUsing = reviewsUsing
            self.reviews = reviews
        }
    }

    /// A review that uses the word.
    public struct ReviewEntry: Codable, Sendable, Equatable {
        public var id: String
        public var seq: Int

        public init(id: String, seq: Int) {
            self.id = id
            self.seq = seq
        }
    }

    public var id: String
    /// Best first (``precedes``), at most ``maxProducts``.
    public var products: [ProductEntry]
    /// Newest first, at most ``maxReviews``.
    public var reviews: [ReviewEntry]

    public enum CodingKeys: String, CodingKey {
        case id = "_id"
        case products, reviews
    }

    /// Products kept per word: a search ranks among these (50 covers a page of results with room for the other words
    /// of a query to reorder them).
    public static let maxProducts = 50
    /// Reviews kept per word.
    public static let maxReviews = 20

    public init(id: String, products: [ProductEntry] = [], reviews: [ReviewEntry] = []) {
        self.id = id
        self.products = products
        self.reviews = reviews
    }

    /// The order of a word's products: catalog matches first, name matches before category-only ones, then by how
    /// many reviews use the word, then the most reviewed, then by id.
    public static func precedes(_ a: ProductEntry, _ b: ProductEntry) -> Bool {
        if a.inCatalog != b.inCatalog { return a.inCatalog }
        if a.inName != b.inName { return a.inName }
        if a.reviewsUsing != b.reviewsUsing { return a.reviewsUsing > b.reviewsUsing }
        if a.reviews != b.reviews { return a.reviews > b.reviews }
        return a.id < b.id
    }

    /// The catalog names the product with this word: its entry becomes a catalog match (keeping what its reviews
    /// gave it), and the list is re-sorted and capped.
    public mutating func setCatalogEntry(productID: String, inName: Bool, reviews: Int) {
        var entry = products.first { $0.id == productID } ?? ProductEntry(id: productID)
        products.removeAll { $0.id == productID }
        entry.inCatalog = true
        entry.inName = inName
        entry.reviews = max(entry.reviews, reviews)
        products.append(entry)
        products.sort(by: Self.precedes)
        if products.count > Self.maxProducts { products.removeLast(products.count - Self.maxProducts) }
    }

    /// The catalog no longer names the product with this word: it stays only if its reviews use the word.
    public mutating func removeCatalogEntry(productID: String) {
        guard let index = products.firstIndex(where: { $0.id == productID }) else { return }
        if products[index].reviewsUsing > 0 {
            products[index].inCatalog = false
            products[index].inName = false
            products.sort(by: Self.precedes)
        } else {
            products.remove(at: index)
        }
    }

    /// Nothing left to find by this word.
    public var isEmpty: Bool { products.isEmpty && reviews.isEmpty }
}

/// Builds the whole search index from the catalog and the processed reviews, with the words already split (the
/// caller tokenizes as the word count does). Pure: `trainer similar` writes what it returns.
public struct SearchIndexBuilder: Sendable {
    /// A product as the catalog describes it.
    public struct CatalogProduct: Sendable {
        public var id: String
        public var nameWords: Set<String>
        public var keywords: Set<String>
        public var reviews: Int

        public init(id: String, nameWords: Set<String>, keywords: Set<String>, reviews: Int) {
            self.id = id
            self.nameWords = nameWords
            self.keywords = keywords
            self.reviews = reviews
        }
    }

    private var entries: [String: [String: SearchTerm.ProductEntry]] = [:]
    private var reviewLists: [String: [SearchTerm.ReviewEntry]] = [:]

    public init() {}

    public mutating func add(_ product: CatalogProduct) {
        for word in product.keywords {
            var entry = entries[word]?[product.id] ?? .init(id: product.id)
            entry.inCatalog = true
            entry.inName = product.nameWords.contains(word)
            entry.reviews = max(entry.reviews, product.reviews)
            entries[word, default: [:]][product.id] = entry
        }
    }

    /// How many of a product's reviews use each word (only words worth finding it by: the caller's choice).
    public mutating func add(productID: String, reviews: Int, wordUsage: [(word: String, reviews: Int)]) {
        for (word, count) in wordUsage {
            var entry = entries[word]?[productID] ?? .init(id: productID)
            entry.reviewsUsing = count
            entry.reviews = max(entry.reviews, reviews)
            entries[word, default: [:]][productID] = entry
        }
    }

    /// One processed review with its distinct words. Reviews may come in any order; each word keeps its newest.
    public mutating func add(review: SearchTerm.ReviewEntry, words: Set<String>) {
        for word in words {
            var list = reviewLists[word, default: []]
            if list.count == SearchTerm.maxReviews, let oldest = list.last, oldest.seq >= review.seq { continue }
            let at = list.firstIndex { $0.seq < review.seq } ?? list.endIndex
            list.insert(review, at: at)
            if list.count > SearchTerm.maxReviews { list.removeLast() }
            reviewLists[word] = list
        }
    }

    /// One document per word that finds a product; review lists only for those words (a word no product is found
    /// by is too rare in any product's reviews to search by).
    public func build() -> [SearchTerm] {
        entries.keys.sorted().map { word in
            let products = entries[word]!.values.sorted(by: SearchTerm.precedes).prefix(SearchTerm.maxProducts)
            return SearchTerm(id: word, products: Array(products), reviews: reviewLists[word] ?? [])
        }
    }
}
