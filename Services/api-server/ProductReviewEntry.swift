import Foundation
import Hummingbird

/// One review on a product's page or in search results, with the model's prediction.
struct ProductReviewEntry: ResponseEncodable, Equatable {
    let id: String
    let itemId: String?
    let review: String
    let score: Double?
    let expected: String
    let result: String
    let probability: Double?
    let processedAt: Date?
    /// Its place in the processing order: the `before` of the next page.
    let seq: Int
}
