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
    /// Accuracy points with a total above `total`, largest first: only the new ones, from an index range.
    func accuracy(after total: Int) async throws -> [AccuracyPoint]
    /// Every word with its count (one full read, for ``WordCountBook``).
    func allWordCounts() async throws -> [(String, Int)]
    /// Opens a change stream on the word counts and returns once it is open: each element is a word and its new count.
    /// It finishes when the counts were reset (a delete or a drop), so the caller reads them all again.
    func wordCountChanges() async throws -> AsyncThrowingStream<(String, Int), Error>
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
