/// The fitted classifier inside a ``SentimentModel``.
public enum SentimentClassifier: Sendable, Equatable {
    case linear(LogisticRegression)
    case forest(RandomForest)

    public var kind: ModelKind {
        switch self {
        case .linear: .linear
        case .forest: .forest
        }
    }

    /// P(positive | x).
    @inline(__always)
    public func probability(_ x: SparseVector) -> Double {
        switch self {
        case .linear(let model): model.probability(x)
        case .forest(let model): model.probability(x)
        }
    }
}
