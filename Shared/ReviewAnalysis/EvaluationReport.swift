/// How well a model did on a labelled set of reviews.
public struct EvaluationReport: Codable, Sendable, Equatable {
    public var n: Int
    public var accuracy: Double
    /// Area under the ROC curve of P(positive); ties count half.
    public var auc: Double
    public var positive: ClassMetrics
    public var negative: ClassMetrics
    public var confusion: ConfusionMatrix

    /// Scores predictions: `probabilities[i]` is P(positive) for a review whose true label is `expected[i]`; a review
    /// is predicted positive from `threshold` up.
    public init(expected: [SentimentLabel], probabilities: [Double], threshold: Double = 0.5) {
        precondition(expected.count == probabilities.count)
        var confusion = ConfusionMatrix()
        for (label, probability) in zip(expected, probabilities) {
            confusion.record(expected: label, predicted: SentimentPrediction(probability: probability, threshold: threshold).label)
        }
        n = expected.count
        accuracy = n == 0 ? 0 : Double(confusion.truePositive + confusion.trueNegative) / Double(n)
        auc = Self.areaUnderROC(expected: expected, probabilities: probabilities)
        positive = confusion.metrics(for: .positive)
        negative = confusion.metrics(for: .negative)
        self.confusion = confusion
    }

    /// The Mann–Whitney form of the AUC, with average ranks for tied scores.
    static func areaUnderROC(expected: [SentimentLabel], probabilities: [Double]) -> Double {
        let order = probabilities.indices.sorted { probabilities[$0] < probabilities[$1] }
        var rankSumOfPositives = 0.0, positives = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && probabilities[order[end + 1]] == probabilities[order[start]] { end += 1 }
            let averageRank = Double(start + end) / 2 + 1
            for k in start...end where expected[order[k]] == .positive {
                rankSumOfPositives += averageRank
                positives += 1
            }
            start = end + 1
        }
        let negatives = Double(order.count) - positives
        guard positives > 0 && negatives > 0 else { return 0.5 }
        return (rankSumOfPositives - positives * (positives + 1) / 2) / (positives * negatives)
    }
}
