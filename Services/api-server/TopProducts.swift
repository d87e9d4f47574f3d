import ReviewContracts

/// The home page's product panel as the live stream's `products` event carries it: the top products by reviews and
/// by rating (only those with at least `minimumReviews`), and how many products there are.
struct TopProducts: Encodable, Equatable, Sendable {
    let byReviews: [ProductView]
    let byRating: [ProductView]
    let total: Int

    /// Ranks the whole catalog in memory: one read of every product's figures serves both lists and the total (the
    /// local database reads every product to answer a sorted query anyway).
    init(_ products: [Product], limit: Int = 10, minimumReviews: Int = ProductOrder.minimumReviewsToRank) {
        byReviews = products.sorted(by: ProductOrder.reviews.precedes).prefix(limit).map { ProductView($0) }
        byRating = products.filter { $0.reviews >= minimumReviews }.sorted(by: ProductOrder.rating.precedes).prefix(limit).map { ProductView($0) }
        total = products.count
    }
}
