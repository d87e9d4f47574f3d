import ReviewContracts

/// The search part of a `similar` document (``SimilarProducts``' coding keys): its review terms without the
/// neighbours, read when search looks for products by the words of their reviews.
struct SimilarProductTerms: Decodable {
    let id: String
    let terms: [String]?
    let termReviews: [Int]?

    /// How many of the product's reviews use any of `words`, as far as its terms tell (the largest count among them).
    func reviewsUsing(_ words: [String]) -> Int {
        guard let terms, let termReviews else { return 0 }
        return zip(terms, termReviews).filter { words.contains($0.0) }.map(\.1).max() ?? 0
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: SimilarProducts.CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        terms = try container.decodeIfPresent([String].self, forKey: .terms)
        termReviews = try container.decodeIfPresent([Int].self, forKey: .termReviews)
    }
}
