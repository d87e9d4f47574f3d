/// Precision, recall and F1 of one class.
public struct ClassMetrics: Codable, Sendable, Equatable {
    public var precision: Double
    public var recall: Double
    public var f1: Double
    /// How many reviews truly have the class.
    public var support: Int

    public init(precision: Double, recall: Double, f1: Double, support: Int) {
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.support = support
    }
}
