import ReviewAnalysis

/// The machine-readable result both commands print with `--json`.
struct EvaluationOutput: Encodable {
    var command: String
    var modelVersion: String
    var modelKind: ModelKind
    /// Reviews scored (held-out reviews for `train`); 0 when nothing was held out.
    var n: Int
    var accuracy: Double?
    var auc: Double?
    var positive: ClassMetrics?
    var negative: ClassMetrics?
    var confusion: ConfusionMatrix?
    var skippedLines: Int
    /// P(positive) from which the model says positive.
    var threshold: Double
    // train only
    var winner: GridCell?
    var crossValidation: [CrossValidationResult]?
    var trainReviews: Int?
    var trainSeconds: Double?
    var modelFile: String?
    // evaluate only
    /// Single-threaded `predict` calls per second, one review per call.
    var reviewsPerSecond: Double?

    init(command: String, model: SentimentModel, report: EvaluationReport?, skippedLines: Int) {
        self.command = command
        modelVersion = model.version
        modelKind = model.kind
        n = report?.n ?? 0
        accuracy = report?.accuracy
        auc = report?.auc
        positive = report?.positive
        negative = report?.negative
        confusion = report?.confusion
        self.skippedLines = skippedLines
        threshold = model.threshold
    }
}
