import Hummingbird

/// `GET /api/v1/search`: matching products, best first, and reviews of theirs that use the words.
struct SearchResults: ResponseEncodable, Equatable {
    let query: [String]
    let products: [ProductView]
    let reviews: [ProductReviewEntry]
}
