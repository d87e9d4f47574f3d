/// A model's verdict on one review.
public struct SentimentPrediction: Sendable, Equatable {
    public let label: SentimentLabel
    /// P(positive), in 0...1.
    public let probability: Double

    public init(label: SentimentLabel, probability: Double) {
        self.label = label
        self.probability = probability
    }

    /// The label a probability stands for: positive from `threshold` up.
    public init(probability: Double, threshold: Double = 0.5) {
        self.init(label: probability >= threshold ? .positive : .negative, probability: probability)
    }
}
