import Foundation

/// A review as it travels on the `reviews` topic (docs/data-contracts.md).
public struct ReviewMessage: Codable, Sendable, Equatable {
    public var id: String
    public var reviewText: String
    /// The reviewer's score, 1–5.
    public var overall: Double
    public var itemId: String?
    public var summary: String?
    /// When the api-server accepted it; absent on the seed's bare messages.
    public var submittedAt: Date?
    /// The ``User/id`` of the logged-in author; absent for anonymous reviews.
    public var userId: String?

    public init(id: String, reviewText: String, overall: Double, itemId: String? = nil, summary: String? = nil, submittedAt: Date? = nil, userId: String? = nil) {
        self.id = id
        self.reviewText = reviewText
        self.overall = overall
        self.itemId = itemId
        self.summary = summary
        self.submittedAt = submittedAt
        self.userId = userId
    }

    /// The message value as written to Kafka.
    public func encoded() -> [UInt8] {
        // Encoding a struct of strings, numbers and a date cannot fail.
        Array(try! ReviewMessage.encoder.encode(self))
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
}
