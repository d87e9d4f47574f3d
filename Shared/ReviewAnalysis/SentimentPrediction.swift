/// A model's verdict on one review.
public struct SentimentPrediction: Sendable, Equatable {
    public let label: SentimentLabel
    /// P(positive), in 0...1.
    public let probability: Double

    public init(label: SentimentLabel, probability: Double) {
        self.label = label
        self.probability = probability
    }

    /// The label a probability stands for: positive from 0.5 up.
    public init(probability: Double) {
        self.init(label: probability >= 0.5 ? .positive : .negative, probability: probability)
    }
}
