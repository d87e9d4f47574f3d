/// What a model was trained on, recorded in the model file.
public struct TrainingDataInfo: Codable, Sendable, Equatable {
    /// SHA-256 of the data file's bytes, hex.
    public var sha256: String
    /// The data file's name (not its path).
    public var source: String
    /// Reviews the final model was fitted on (the training part, after the held-out split).
    public var reviews: Int
    /// Of those, how many are positive.
    public var positives: Int

    public init(sha256: String, source: String, reviews: Int, positives: Int) {
        self.sha256 = sha256
        self.source = source
        self.reviews = reviews
        self.positives = positives
    }
}
