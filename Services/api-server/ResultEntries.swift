import Foundation
import Hummingbird

/// One row of `GET /api/results/wordcount`: the seed's `{_id, value, count}`.
struct WordCountEntry: ResponseEncodable, Equatable {
    let _id: String
    let value: String
    let count: Int
}

/// One row of `GET /api/results/sentiment`: the seed's `{_id, review, expected, result}` plus what we know more.
struct PredictionEntry: ResponseEncodable, Equatable {
    let _id: String
    let review: String
    let expected: String
    let result: String
    let probability: Double?
    let modelVersion: String?
    let processedAt: Date?

    /// The same prediction with its review text cut to at most `characters`, marked with an ellipsis when cut.
    func clipped(to characters: Int) -> PredictionEntry {
        guard review.count > characters else { return self }
        return PredictionEntry(_id: _id, review: review.prefix(max(0, characters - 1)) + "…", expected: expected, result: result,
                               probability: probability, modelVersion: modelVersion, processedAt: processedAt)
    }
}

/// One row of `GET /api/results/sentiment/accuracy`: the seed's `{_id: totalCount, value}`.
struct AccuracyPoint: ResponseEncodable, Equatable {
    let _id: Int
    let value: Double
}

/// `GET /api/v1/summary`.
struct Summary: ResponseEncodable, Equatable {
    let reviews: Int
    let correct: Int
    let accuracy: Double?
    let modelVersion: String?
    let reviewsPerMinute: Double
    let distinctWords: Int
    let deadLettered: Int
}
