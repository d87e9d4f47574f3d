import Hummingbird

/// `GET /api/v1/products/{id}/reviews`: a page of a product's reviews, newest first, and the `before` of the next
/// page (nil on the last).
struct ProductReviewPage: ResponseEncodable, Equatable {
    let reviews: [ProductReviewEntry]
    let nextBefore: Int?
}
