/// Read access to what the stream processor wrote.
protocol ResultsRepository: Sendable {
    /// Words by count, descending.
    func topWords(limit: Int) async throws -> [WordCountEntry]
    /// Predictions, newest first.
    func recentPredictions(limit: Int) async throws -> [PredictionEntry]
    /// Accuracy points, largest total first.
    func recentAccuracy(limit: Int) async throws -> [AccuracyPoint]
    /// The running totals the processor keeps.
    func totals() async throws -> ResultTotals
    /// The prediction for one review, nil until it has been processed.
    func prediction(id: String) async throws -> PredictionEntry?
    /// Yields once each time the processor commits a batch (a change stream on the totals document).
    func batchCommits() -> AsyncThrowingStream<Void, Error>
    func isReachable() async -> Bool
}

/// The processor's running totals.
struct ResultTotals: Sendable, Equatable {
    var reviews = 0
    var correct = 0
    var modelVersion: String?
    var distinctWords = 0
    var deadLettered = 0
}
