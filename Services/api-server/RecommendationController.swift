import Foundation
import Hummingbird
import Mongo
import ReviewContracts
import ServiceSupport

/// `GET /api/v1/me/recommendations`: four products for the logged-in user (401 without a session).
///
/// The `similar` neighbours of the products the user rated 4–5, their similarity scores summed over those products,
/// minus every product the user reviewed; when that gives fewer than four, the best-rated products with at least
/// ``minimumReviews`` reviews fill the rest.
struct RecommendationController: Sendable {
    let database: MongoDatabase
    let products: MongoProductRepository

    static let count = 4
    static let minimumReviews = ProductOrder.minimumReviewsToRank
    /// The user's reviews read to find what they liked; a profile is rarely longer.
    static let reviewsRead = 500

    func addRoutes(to router: Router<APIRequestContext>) {
        router.get("/api/v1/me/recommendations") { _, context -> Response in
            let user = try context.requireUser()
            return try AccountController.json(Recommendations(recommendations: try await recommendations(for: user.id)), status: .ok)
        }
    }

    func recommendations(for userId: String) async throws -> [Recommendation] {
        typealias Field = SentimentDocument.CodingKeys
        let own = try await database.collection(ResultCollections.sentiment).find(
            [Field.userId.rawValue: .string(userId), Field.itemId.rawValue: ["$exists": true]], sort: [Field.processedAt.rawValue: -1],
            limit: Self.reviewsRead, projection: [Field.itemId.rawValue: 1, Field.score.rawValue: 1]
        )
        let reviewed = Set(own.compactMap { $0[Field.itemId.rawValue]?.stringValue })
        let liked = Set(own.filter { ($0[Field.score.rawValue]?.doubleValue ?? 0) >= 4 }.compactMap { $0[Field.itemId.rawValue]?.stringValue })
        var scores: [String: Double] = [:]
        if !liked.isEmpty {
            let neighbours = try await database.collection(ProductCollections.similar).find(
                ["_id": ["$in": .array(liked.sorted().map { .string($0) })]], as: SimilarProducts.self
            )
            for entry in neighbours {
                for neighbour in entry.similar where !reviewed.contains(neighbour.id) {
                    scores[neighbour.id, default: 0] += neighbour.score
                }
            }
        }
        var chosen = scores.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(Self.count)
            .map { (id: $0.key, score: Optional($0.value), reason: "similar") }
        if chosen.count < Self.count {
            let taken = reviewed.union(chosen.map(\.id))
            let popular = try await products.top(order: .rating, limit: Self.count + taken.count, minimumReviews: Self.minimumReviews)
            for product in popular where !taken.contains(product.id) && chosen.count < Self.count {
                chosen.append((id: product.id, score: nil, reason: "popular"))
            }
        }
        let names = Dictionary(try await products.products(ids: chosen.map(\.id)).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return chosen.map { pick in
            Recommendation(id: pick.id, name: names[pick.id]?.name, averageRating: names[pick.id]?.averageRating,
                           score: pick.score, reason: pick.reason)
        }
    }
}

/// One recommended product: `reason` is `similar` (from liked products; `score` is the summed similarity) or `popular`.
struct Recommendation: Codable, Equatable {
    let id: String
    let name: String?
    let averageRating: Double?
    let score: Double?
    let reason: String
}

struct Recommendations: Encodable {
    let recommendations: [Recommendation]
}
