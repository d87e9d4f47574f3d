/// What ``SentimentTrainer`` fits and how it chooses.
public struct TrainingConfiguration: Sendable {
    /// Which families to search; `nil` means both (the trainer's `--model auto`).
    public var kind: ModelKind?
    public var folds: Int
    public var seed: UInt64
    public var vectorizer: VectorizerParameters
    public var labelRule: LabelRule
    /// The seed system's forest grid: trees × depth.
    public var forestTrees: [Int]
    public var forestDepths: [Int]
    /// Logistic-regression C values, fitted in ascending order with warm starts.
    public var regularization: [Double]
    /// Naive-Bayes interpolations β searched for the linear model, each with every C (0: plain TF-IDF features;
    /// ``NaiveBayesRatios``). The ratios are counted on the training folds only.
    public var naiveBayesInterpolation: [Double]
    /// Weight the logistic loss so both classes count equally (n / (2·n_class) per review). On the clothing reviews
    /// (77 % positive) this catches more negative reviews and, in cross-validation, also raises accuracy.
    public var balanceClasses: Bool
    /// Choose the probability above which a review is called positive from the winner's out-of-fold predictions
    /// (the most accurate cut-off in 0.2…0.8), instead of 0.5.
    public var tuneThreshold: Bool

    public init(kind: ModelKind? = .linear, folds: Int = 5, seed: UInt64 = 42, vectorizer: VectorizerParameters = .init(),
                labelRule: LabelRule = .init(), forestTrees: [Int] = [10, 50], forestDepths: [Int] = [1, 5, 10],
                regularization: [Double] = [1, 3, 10, 30, 100], naiveBayesInterpolation: [Double] = [0, 0.5, 1], balanceClasses: Bool = true,
                tuneThreshold: Bool = true) {
        self.kind = kind
        self.folds = folds
        self.seed = seed
        self.vectorizer = vectorizer
        self.labelRule = labelRule
        self.forestTrees = forestTrees
        self.forestDepths = forestDepths
        self.regularization = regularization
        self.naiveBayesInterpolation = naiveBayesInterpolation
        self.balanceClasses = balanceClasses
        self.tuneThreshold = tuneThreshold
    }

    /// Per-review loss weights for `labels`, or nil when classes are not balanced.
    func sampleWeights(for labels: [Bool]) -> [Double]? {
        guard balanceClasses else { return nil }
        let positives = Double(labels.filter { $0 }.count), negatives = Double(labels.count) - positives
        guard positives > 0 && negatives > 0 else { return nil }
        let total = Double(labels.count)
        return labels.map { $0 ? total / (2 * positives) : total / (2 * negatives) }
    }

    /// The grid in the order it is reported.
    public var grid: [GridCell] {
        var cells: [GridCell] = []
        if kind != .linear {
            for trees in forestTrees { for depth in forestDepths { cells.append(.forest(trees: trees, depth: depth)) } }
        }
        if kind != .forest {
            for beta in Set(naiveBayesInterpolation).sorted() {
                cells += regularization.sorted().map { .linear(c: $0, naiveBayes: beta) }
            }
        }
        return cells
    }
}
