import Foundation
import Hummingbird
import ReviewContracts

/// A product as the API answers it: the catalog fields and the figures, plus, on the product's own page, the rating
/// histogram and the similar products (nil fields are left out of the JSON).
struct ProductView: ResponseEncodable, Equatable {
    struct Predicted: Codable, Equatable {
        let pos: Int
        let neg: Int
    }

    struct Neighbour: Codable, Equatable {
        let id: String
        let name: String?
        let score: Double
    }

    let id: String
    let name: String?
    let division: String?
    let department: String?
    let productClass: String?
    let reviews: Int
    let averageRating: Double?
    let predicted: Predicted
    let accuracy: Double?
    let lastReviewAt: Date?
    var ratingHistogram: [String: Int]?
    var similar: [Neighbour]?

    enum CodingKeys: String, CodingKey {
        case id, name, division, department
        case productClass = "class"
        case reviews, averageRating, predicted, accuracy, lastReviewAt, ratingHistogram, similar
    }

    /// The list form: no histogram, no similar products.
    init(_ product: Product) {
        id = product.id
        name = product.name
        division = product.division
        department = product.department
        productClass = product.productClass
        reviews = product.reviews
        averageRating = product.averageRating
        predicted = Predicted(pos: product.positive, neg: product.negative)
        accuracy = product.accuracy
        lastReviewAt = product.lastReviewAt
    }

    /// The product page's form.
    init(_ product: Product, similar: [Neighbour]) {
        self.init(product)
        ratingHistogram = product.ratingHistogram
        self.similar = similar
    }
}
