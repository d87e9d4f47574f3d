import Foundation

/// A `products` document: the catalog entry (absent fields until the catalog names the product, for one first seen
/// in a review) and the figures of its reviews, kept by the stream processor exactly once. The coding keys are the
/// stored field names, for writers and readers alike.
public struct Product: Codable, Sendable, Equatable {
    public var id: String
    public var name: String?
    public var division: String?
    public var department: String?
    public var productClass: String?
    /// Words of the name and categories, lower-cased as the word count tokenizes them: what search matches first.
    public var keywords: [String]
    /// Reviews counted.
    public var reviews: Int
    /// Sum of their scores: the average is `ratingSum / reviews`.
    public var ratingSum: Double
    /// Reviews per score rounded to a whole star, keyed "1" … "5".
    public var ratings: [String: Int]
    /// Reviews the model predicted positive / negative.
    public var positive: Int
    public var negative: Int
    /// Reviews whose prediction matched the label of their score.
    public var correct: Int
    /// The newest review's time (its submission time, else when it was processed).
    public var lastReviewAt: Date?
    /// When the catalog last described the product; nil for a product known only from reviews.
    public var catalogedAt: Date?

    public enum CodingKeys: String, CodingKey {
        case id = "_id"
        case name, division, department
        case productClass = "class"
        case keywords, reviews, ratingSum, ratings, positive, negative, correct, lastReviewAt, catalogedAt
    }

    /// The stored path of one histogram bucket, for `$inc`.
    public static func ratingPath(stars: Int) -> String { "\(CodingKeys.ratings.rawValue).\(stars)" }

    /// The histogram bucket of a score: rounded to the nearest star, within 1…5.
    public static func stars(forScore score: Double) -> Int { min(5, max(1, Int(score.rounded()))) }

    public init(id: String, name: String? = nil, division: String? = nil, department: String? = nil, productClass: String? = nil,
                keywords: [String] = [], reviews: Int = 0, ratingSum: Double = 0, ratings: [String: Int] = [:],
                positive: Int = 0, negative: Int = 0, correct: Int = 0, lastReviewAt: Date? = nil, catalogedAt: Date? = nil) {
        self.id = id
        self.name = name
        self.division = division
        self.department = department
        self.productClass = productClass
        self.keywords = keywords
        self.reviews = reviews
        self.ratingSum = ratingSum
        self.ratings = ratings
        self.positive = positive
        self.negative = negative
        self.correct = correct
        self.lastReviewAt = lastReviewAt
        self.catalogedAt = catalogedAt
    }

    /// Fields a writer has not set yet read as empty: a catalog entry before its first review has no figures, a
    /// product seen in a review before the catalog has no name.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        division = try container.decodeIfPresent(String.self, forKey: .division)
        department = try container.decodeIfPresent(String.self, forKey: .department)
        productClass = try container.decodeIfPresent(String.self, forKey: .productClass)
        keywords = try container.decodeIfPresent([String].self, forKey: .keywords) ?? []
        reviews = try container.decodeIfPresent(Int.self, forKey: .reviews) ?? 0
        ratingSum = try container.decodeIfPresent(Double.self, forKey: .ratingSum) ?? 0
        ratings = try container.decodeIfPresent([String: Int].self, forKey: .ratings) ?? [:]
        positive = try container.decodeIfPresent(Int.self, forKey: .positive) ?? 0
        negative = try container.decodeIfPresent(Int.self, forKey: .negative) ?? 0
        correct = try container.decodeIfPresent(Int.self, forKey: .correct) ?? 0
        lastReviewAt = try container.decodeIfPresent(Date.self, forKey: .lastReviewAt)
        catalogedAt = try container.decodeIfPresent(Date.self, forKey: .catalogedAt)
    }

    /// Mean score, nil before the first review.
    public var averageRating: Double? { reviews > 0 ? ratingSum / Double(reviews) : nil }
    /// Share of the reviews the model labelled right, nil before the first review.
    public var accuracy: Double? { reviews > 0 ? Double(correct) / Double(reviews) : nil }
    /// The histogram with every bucket present.
    public var ratingHistogram: [String: Int] {
        Dictionary(uniqueKeysWithValues: (1...5).map { ("\($0)", ratings["\($0)"] ?? 0) })
    }
}
