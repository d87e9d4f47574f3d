/// The sentiment class of a review, with the raw values the `sentiment` collection stores.
public enum SentimentLabel: String, Codable, Sendable, CaseIterable {
    case positive = "pos"
    case negative = "neg"
}
