import ReviewContracts

/// Read access to the product side: the catalog with its figures, the similar products, and a product's reviews.
protocol ProductRepository: Sendable {
    /// A page of the catalog in `order`, starting after `offset` products.
    func products(order: ProductOrder, offset: Int, limit: Int) async throws -> [Product]
    /// The products ranked first by `order` (by rating: only those with at least `minimumReviews`).
    func top(order: ProductOrder, limit: Int, minimumReviews: Int) async throws -> [Product]
    func product(id: String) async throws -> Product?
    /// Products in the catalog (named or known from reviews only).
    func productCount() async throws -> Int
    /// Every product with its figures (no search keywords), for the live top lists.
    func allFigures() async throws -> [Product]
    /// Products by id, in no particular order; unknown ids are left out.
    func products(ids: [String]) async throws -> [Product]
    func similar(id: String) async throws -> SimilarProducts?
    /// The product's reviews with a sequence number below `before` (all when nil), newest first.
    func reviews(productID: String, before: Int?, limit: Int) async throws -> [ProductReviewEntry]
    /// The search index's documents of `words` (words the index does not hold are left out).
    func searchTerms(_ words: [String]) async throws -> [SearchTerm]
    /// Processed reviews by id, in no particular order; unknown ids are left out.
    func reviews(ids: [String]) async throws -> [ProductReviewEntry]
}
