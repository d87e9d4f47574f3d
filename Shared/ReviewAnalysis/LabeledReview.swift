/// A review with its reviewer's score, as training and evaluation read it.
public struct LabeledReview: Sendable, Equatable {
    public var text: String
    /// The review's title; empty when it has none.
    public var summary: String
    /// The reviewer's score, 1–5.
    public var score: Double

    public init(text: String, summary: String = "", score: Double) {
        self.text = text
        self.summary = summary
        self.score = score
    }
}
