/// Counts of expected × predicted labels.
public struct ConfusionMatrix: Codable, Sendable, Equatable {
    public var truePositive = 0
    public var falseNegative = 0
    public var falsePositive = 0
    public var trueNegative = 0

    public init() {}

    public mutating func record(expected: SentimentLabel, predicted: SentimentLabel) {
        switch (expected, predicted) {
        case (.positive, .positive): truePositive += 1
        case (.positive, .negative): falseNegative += 1
        case (.negative, .positive): falsePositive += 1
        case (.negative, .negative): trueNegative += 1
        }
    }

    public var total: Int { truePositive + falseNegative + falsePositive + trueNegative }

    public func metrics(for label: SentimentLabel) -> ClassMetrics {
        let (hit, missed, wronglyClaimed) = label == .positive
            ? (truePositive, falseNegative, falsePositive) : (trueNegative, falsePositive, falseNegative)
        let precision = hit + wronglyClaimed == 0 ? 0 : Double(hit) / Double(hit + wronglyClaimed)
        let recall = hit + missed == 0 ? 0 : Double(hit) / Double(hit + missed)
        let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        return ClassMetrics(precision: precision, recall: recall, f1: f1, support: hit + missed)
    }
}
