/// A grid cell's cross-validated scores: means over the folds.
public struct CrossValidationResult: Codable, Sendable, Equatable {
    public var cell: GridCell
    public var accuracy: Double
    public var auc: Double
    /// Standard deviation of the accuracy over the folds.
    public var accuracyDeviation: Double

    public init(cell: GridCell, accuracy: Double, auc: Double, accuracyDeviation: Double) {
        self.cell = cell
        self.accuracy = accuracy
        self.auc = auc
        self.accuracyDeviation = accuracyDeviation
    }
}
