import Foundation

/// Naive-Bayes log-count ratios per feature bucket (Wang & Manning's NB-SVM, here with logistic regression): how much
/// more often a bucket occurs in positive reviews than in negative ones, `r = ln((p / ‖p‖₁) / (q / ‖q‖₁))` with
/// `p = α + Σ_{positive} 1[bucket in review]` and `q` alike for the negatives.
///
/// Scaling each feature by `|r|` before an L2-regularised fit is the same as regularising each weight by `1 / r²`:
/// buckets that say nothing about the class are held near zero, telling ones are let loose. The sign of `r` does not
/// matter for that, so the fitted weights times the scales give an ordinary linear model over the unscaled features,
/// and the model file, its size and the prediction path stay as they are.
public struct NaiveBayesRatios: Sendable, Equatable {
    /// `|r|` per bucket.
    public let magnitudes: [Float]

    public init(magnitudes: [Float]) {
        self.magnitudes = magnitudes
    }

    /// Counts each review's distinct buckets (text, title and closing-sentence namespaces alike) by class.
    public init(documents: [TermCounts], labels: [Bool], bucketCount: Int, smoothing: Double = 1) {
        precondition(documents.count == labels.count && smoothing > 0)
        var positive = [Double](repeating: smoothing, count: bucketCount)
        var negative = [Double](repeating: smoothing, count: bucketCount)
        for (document, label) in zip(documents, labels) {
            if label {
                HashingVectorizer.forEachUniqueBucket(document) { positive[Int($0)] += 1 }
            } else {
                HashingVectorizer.forEachUniqueBucket(document) { negative[Int($0)] += 1 }
            }
        }
        let positiveTotal = positive.reduce(0, +), negativeTotal = negative.reduce(0, +)
        let shift = log(negativeTotal / positiveTotal)
        magnitudes = (0..<bucketCount).map { Float(abs(log(positive[$0] / negative[$0]) + shift)) }
    }

    /// Per-bucket feature scales `(1 − β) + β·|r|`: β = 0 leaves the features as they are, β = 1 is plain NB scaling,
    /// values between interpolate (the NB-SVM paper's interpolation, applied to the features' scale).
    public func scales(interpolation beta: Double) -> [Float] {
        precondition((0...1).contains(beta))
        let keep = Float(1 - beta), mix = Float(beta)
        return magnitudes.map { keep + mix * $0 }
    }
}
