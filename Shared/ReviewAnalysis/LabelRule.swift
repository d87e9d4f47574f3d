/// Turns a reviewer's 1–5 score into the expected sentiment: positive when the score is above a cut-off.
public struct LabelRule: Codable, Sendable, Equatable {
    /// Scores strictly above this are positive (the seed's rule: > 3).
    public var positiveAbove: Double

    public init(positiveAbove: Double = 3) {
        self.positiveAbove = positiveAbove
    }

    public func label(forScore score: Double) -> SentimentLabel {
        score > positiveAbove ? .positive : .negative
    }
}
