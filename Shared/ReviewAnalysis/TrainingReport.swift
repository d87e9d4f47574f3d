/// How a model was chosen and how well it did, recorded in the model file and printed by the trainer.
public struct TrainingReport: Codable, Sendable, Equatable {
    public var seed: UInt64
    public var folds: Int
    public var testFraction: Double
    /// Every grid cell's cross-validated scores, in grid order.
    public var crossValidation: [CrossValidationResult]
    /// The cell with the best cross-validated accuracy, refitted on all training reviews.
    public var winner: GridCell
    /// P(positive) from which the model calls a review positive, and the winner's out-of-fold accuracy there.
    public var threshold: Double
    public var thresholdAccuracy: Double
    /// Scores on the held-out reviews; nil when nothing was held out.
    public var heldOut: EvaluationReport?
    /// Wall time of vectorising, cross-validation and the final fit.
    public var trainSeconds: Double

    public init(seed: UInt64, folds: Int, testFraction: Double, crossValidation: [CrossValidationResult], winner: GridCell,
                threshold: Double = 0.5, thresholdAccuracy: Double = 0, heldOut: EvaluationReport?, trainSeconds: Double) {
        self.seed = seed
        self.folds = folds
        self.testFraction = testFraction
        self.crossValidation = crossValidation
        self.winner = winner
        self.threshold = threshold
        self.thresholdAccuracy = thresholdAccuracy
        self.heldOut = heldOut
        self.trainSeconds = trainSeconds
    }
}
