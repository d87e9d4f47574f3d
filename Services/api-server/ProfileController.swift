import Foundation
import Hummingbird
import Mongo
import ReviewContracts
import ServiceSupport

/// The logged-in user's own reviews, for the profile page: `GET /api/v1/me/reviews?limit=&skip=` (limit 1–100,
/// default 20; skip 0–10000), newest first, each with the model's prediction and whether it was right. 401 without a
/// session. Reviews still in the pipeline appear once the processor has stored their prediction.
struct ProfileController: Sendable {
    let sentiment: MongoCollection

    init(database: MongoDatabase) {
        sentiment = database.collection(ResultCollections.sentiment)
    }

    /// The index the query runs on; the processor writes `userId` on reviews posted with a session.
    func prepare() async throws {
        try await sentiment.createIndexes([MongoIndex(keys: ["userId": 1, "processedAt": -1])])
    }

    func addRoutes(to router: Router<APIRequestContext>) {
        router.get("/api/v1/me/reviews") { request, context -> Response in
            let user = try context.requireUser()
            let limit = try Self.integer(request, "limit", default: 20, in: 1...100)
            let skip = try Self.integer(request, "skip", default: 0, in: 0...10_000)
            let rows = try await sentiment.find(["userId": .string(user.id)], sort: ["processedAt": -1], limit: limit, skip: skip,
                                                as: OwnReview.self)
            return try AccountController.json(OwnReviews(reviews: rows, limit: limit, skip: skip), status: .ok)
        }
    }

    static func integer(_ request: Request, _ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let raw = request.uri.queryParameters.get(name) else { return fallback }
        guard let value = Int(raw), range.contains(value) else {
            throw APIError(.badRequest, "invalid_\(name)", "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound); got \"\(raw)\".")
        }
        return value
    }
}

/// One of the user's reviews with the processor's verdict on it.
struct OwnReview: Codable {
    let id: String
    let review: String
    /// The label the review's score implies (`pos`/`neg`).
    let expected: String
    /// The model's prediction.
    let result: String
    let score: Double?
    let probability: Double?
    let itemId: String?
    let processedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id = "_id"
        case review, expected, result, score, probability, itemId, processedAt
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: ResponseKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(review, forKey: .review)
        try container.encode(expected, forKey: .expected)
        try container.encode(result, forKey: .result)
        try container.encodeIfPresent(score, forKey: .score)
        try container.encodeIfPresent(probability, forKey: .probability)
        try container.encodeIfPresent(itemId, forKey: .itemId)
        try container.encodeIfPresent(processedAt, forKey: .processedAt)
        try container.encode(expected == result, forKey: .correct)
    }

    private enum ResponseKeys: String, CodingKey {
        case id, review, expected, result, score, probability, itemId, processedAt, correct
    }
}

struct OwnReviews: Encodable {
    let reviews: [OwnReview]
    let limit: Int
    let skip: Int
}
