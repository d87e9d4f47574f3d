import Foundation
import Mongo
import ReviewContracts

/// How a list of products is sorted: `?sort=` of the catalog and `?by=` of the top list.
enum ProductOrder: String, Sendable, CaseIterable {
    /// Most reviewed first.
    case reviews
    /// Best average rating first; ties by reviews.
    case rating
    /// By name, in code-point order as the database sorts (products the catalog has not named yet first).
    case name

    /// Reviews a product needs before it ranks by rating (a single 5-star review is not a top product).
    static let minimumReviewsToRank = 5

    /// The database's sort for this order, where an index serves it; nil for the rating, which is derived.
    var sort: BSONDocument? {
        switch self {
        case .reviews: [Product.CodingKeys.reviews.rawValue: -1, "_id": 1]
        case .name: [Product.CodingKeys.name.rawValue: 1, "_id": 1]
        case .rating: nil
        }
    }

    /// Whether `a` comes before `b`, as ``sort`` orders them; the id settles ties, so pages are stable.
    func precedes(_ a: Product, _ b: Product) -> Bool {
        switch self {
        case .reviews:
            if a.reviews != b.reviews { return a.reviews > b.reviews }
        case .rating:
            let x = a.averageRating ?? -1, y = b.averageRating ?? -1
            if x != y { return x > y }
            if a.reviews != b.reviews { return a.reviews > b.reviews }
        case .name:
            switch (a.name, b.name) {
            case let (x?, y?) where x != y: return x < y
            case (.some, nil): return false
            case (nil, .some): return true
            default: break
            }
        }
        return a.id < b.id
    }
}
