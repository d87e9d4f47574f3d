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
    /// Products by id, in no particular order; unknown ids are left out.
    func products(ids: [String]) async throws -> [Product]
    func similar(id: String) async throws -> SimilarProducts?
    /// The product's reviews with a sequence number below `before` (all when nil), newest first.
    func reviews(productID: String, before: Int?, limit: Int) async throws -> [ProductReviewEntry]
    /// Up to `limit` of the product's reviews in no particular order: a bounded read that needs no sort (the local
    /// database sorts every review of a product to answer a sorted query, ~80 ms for a popular one).
    func sampleReviews(productID: String, limit: Int) async throws -> [ProductReviewEntry]
    /// Products whose name or categories hold any of `words`, the most reviewed first.
    func products(matchingAny words: [String], limit: Int) async throws -> [Product]
    /// Similar-product documents whose review terms hold any of `words` (their terms and counts only).
    func similar(usingAny words: [String], limit: Int) async throws -> [SimilarProductTerms]
}
