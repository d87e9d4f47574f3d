/// The running accuracy of predictions against the labels implied by the reviewers' scores.
public struct AccuracyTracker: Sendable, Codable, Equatable {
    public var total: Int
    public var correct: Int

    /// Fraction correct so far; 0 before the first review.
    public var value: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    public init(total: Int = 0, correct: Int = 0) {
        self.total = total
        self.correct = correct
    }

    public mutating func record(expected: SentimentLabel, predicted: SentimentLabel) {
        total += 1
        if expected == predicted { correct += 1 }
    }
}
