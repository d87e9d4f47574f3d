import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import ReviewContracts
import ServiceSupport

/// Accepting reviews: the seed's `POST /api/documents/text` and the v1 `POST /api/v1/reviews`, plus the v1 lookup.
struct ReviewController<Publisher: ReviewPublisher, Repository: ResultsRepository>: Sendable {
    let publisher: Publisher
    let validator: ReviewValidator
    let maxBodyBytes: Int
    let repository: Repository
    /// Whether a review may come without a session (`ANONYMOUS_REVIEWS`); otherwise 401.
    var anonymousReviews = true

    func addRoutes(to router: Router<APIRequestContext>) {
        // The seed answered 201 once the review was handed to Kafka.
        router.post("/api/documents/text") { request, context in
            try await accept(request, context: context, status: .created)
        }
        router.post("/api/v1/reviews") { request, context in
            try await accept(request, context: context, status: .accepted)
        }
        router.get("/api/v1/reviews/{id}") { _, context -> ReviewStatus in
            let id = try context.parameters.require("id")
            guard let prediction = try await repository.prediction(id: id) else {
                return ReviewStatus(id: id, status: "pending", prediction: nil)
            }
            return ReviewStatus(id: id, status: "processed", prediction: prediction)
        }
    }

    private func accept(_ request: Request, context: APIRequestContext, status: HTTPResponse.Status) async throws -> EditedResponse<AcceptedReview> {
        if !anonymousReviews { _ = try context.requireUser() }
        var request = request
        // A declared length over the limit is refused before any of the body is read: a client that sends its head
        // and waits (`Expect: 100-continue`) gets its answer at once instead of a connection held open.
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBodyBytes {
            Self.rejected.increment(reason: "body_too_large")
            throw APIError(.contentTooLarge, "body_too_large", "The request body is larger than \(maxBodyBytes) bytes.")
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maxBodyBytes)
        } catch let error as HTTPResponseError where error.status == .contentTooLarge {
            Self.rejected.increment(reason: "body_too_large")
            throw APIError(.contentTooLarge, "body_too_large", "The request body is larger than \(maxBodyBytes) bytes.")
        }
        let submission: ReviewValidator.Submission
        switch validator.submission(from: body.readableBytesView) {
        case .success(let value):
            submission = value
        case .failure(let rejection):
            Self.rejected.increment(reason: rejection.reason)
            throw APIError(Self.status(for: rejection), rejection.reason, rejection.description)
        }
        // A retried post (same Idempotency-Key header, or the same client-chosen id) gets the same review id, which the
        // stream processor counts once; without either, every post is a new review.
        var id = UUID().uuidString.lowercased()
        if let key = request.headers[.idempotencyKey] ?? submission.clientID {
            guard ReviewID.isValidKey(key) else {
                Self.rejected.increment(reason: "invalid_idempotency_key")
                throw APIError(.badRequest, "invalid_idempotency_key", "The Idempotency-Key must be 1–\(ReviewID.maxKeyLength) printable ASCII characters.")
            }
            // Per author where there is one: two users choosing the same key post two reviews.
            id = ReviewID.derived(fromKey: key, author: context.user.map { "\($0.id)" })
        }
        let review = ReviewMessage(
            id: id, reviewText: submission.reviewText, overall: submission.overall,
            itemId: submission.itemId, summary: submission.summary, submittedAt: Date(), userId: context.user?.id
        )
        do {
            try await publisher.publish(review)
        } catch {
            context.logger.warning("broker did not acknowledge a review", metadata: ["error": "\(error)"])
            throw APIError(.serviceUnavailable, "broker_unavailable", "The message broker did not acknowledge the review in time; retry later.")
        }
        Self.published.increment()
        return EditedResponse(status: status, response: AcceptedReview(id: review.id))
    }

    static func status(for rejection: ReviewRejection) -> HTTPResponse.Status {
        switch rejection {
        case .invalidUTF8, .invalidJSON, .notAnObject: .badRequest
        case .textTooLong: .contentTooLarge
        case .missingField, .wrongType, .emptyText, .scoreOutOfRange, .unwritable: .unprocessableContent
        }
    }

    static var published: Counter { Counter(label: "api_reviews_published_total") }
    static var rejected: RejectionCounter { RejectionCounter() }
}

/// `api_reviews_rejected_total{reason}`.
struct RejectionCounter {
    func increment(reason: String) { Counter(label: "api_reviews_rejected_total", dimensions: [("reason", reason)]).increment() }
}

struct AcceptedReview: ResponseEncodable {
    let id: String
}

struct ReviewStatus: ResponseEncodable {
    let id: String
    let status: String
    let prediction: PredictionEntry?
}

extension HTTPField.Name {
    /// A client's key for one review: posts that carry the same key are the same review (``ReviewID``).
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}
