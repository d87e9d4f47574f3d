import Foundation
import Hummingbird
import Mongo
import ReviewContracts
import ServiceSupport

/// The logged-in user's own reviews, for the profile page: `GET /api/v1/me/reviews?limit=&skip=` (limit 1–100,
/// default 20; skip 0–10000), newest first, each with the model's prediction and whether it was right. 401 without a
/// session. Reviews still in the pipeline appear once the processor has stored their prediction.
struct ProfileController: Sendable {
    private typealias Field = SentimentDocument.CodingKeys
    let sentiment: MongoCollection

    init(database: MongoDatabase) {
        sentiment = database.collection(ResultCollections.sentiment)
    }

    /// The index the query runs on; the processor writes `userId` on reviews posted with a session.
    func prepare() async throws {
        try await sentiment.createIndexes([MongoIndex(keys: [Field.userId.rawValue: 1, Field.processedAt.rawValue: -1])])
    }

    func addRoutes(to router: Router<APIRequestContext>) {
        router.get("/api/v1/me/reviews") { request, context -> Response in
            let user = try context.requireUser()
            let limit = try Self.integer(request, "limit", default: 20, in: 1...100)
            let skip = try Self.integer(request, "skip", default: 0, in: 0...10_000)
            let rows = try await sentiment.find([Field.userId.rawValue: .string(user.id)], sort: [Field.processedAt.rawValue: -1],
                                                limit: limit, skip: skip, as: SentimentDocument.self)
            return try AccountController.json(OwnReviews(reviews: rows.map(OwnReview.init), limit: limit, skip: skip), status: .ok)
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

/// One of the user's reviews with the processor's verdict on it: the stored ``SentimentDocument`` as the profile
/// shows it (plus whether the prediction was right; without the processing-order fields).
struct OwnReview: Encodable {
    let document: SentimentDocument

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: ResponseKeys.self)
        try container.encode(document.id, forKey: .id)
        try container.encode(document.review, forKey: .review)
        try container.encode(document.expected, forKey: .expected)
        try container.encode(document.result, forKey: .result)
        try container.encodeIfPresent(document.score, forKey: .score)
        try container.encodeIfPresent(document.probability, forKey: .probability)
        try container.encodeIfPresent(document.itemId, forKey: .itemId)
        try container.encodeIfPresent(document.processedAt, forKey: .processedAt)
        try container.encode(document.expected == document.result, forKey: .correct)
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
