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
    /// Everything the live cache holds, read in one transaction so the parts agree with each other and with the
    /// batch number in the totals: every word count, the totals, the newest predictions and accuracy points.
    func storedResults() async throws -> StoredResults
    /// Opens the change stream of the processor's batch records (`batches`) and returns once it is open: one
    /// element per committed batch, in commit order. It finishes when the records were dropped (the results were
    /// reset), so the caller reads everything again.
    func batchRecords() async throws -> AsyncThrowingStream<BatchRecord, Error>
    func isReachable() async -> Bool
}

/// The processor's running totals.
struct ResultTotals: Sendable, Equatable {
    var reviews = 0
    var correct = 0
    var modelVersion: String?
    var distinctWords = 0
    var deadLettered = 0
    /// Batches committed so far: the number of the newest batch record.
    var batches = 0
}

/// The live cache's contents as stored, all from one snapshot.
struct StoredResults: Sendable {
    var words: [(String, Int)] = []
    var totals = ResultTotals()
    /// Newest first, at most ``ResultsSnapshot/size``.
    var predictions: [PredictionEntry] = []
    /// Largest total first, at most ``ResultsSnapshot/size``.
    var accuracy: [AccuracyPoint] = []
}

/// What one committed batch changed (a `batches` document).
struct BatchRecord: Sendable {
    var batch: Int
    /// The totals after the batch.
    var totals: ResultTotals
    /// Each word's increment in this batch.
    var words: [(String, Int)]
    /// The batch's predictions in the order written (oldest first).
    var predictions: [PredictionEntry]
    var accuracy: AccuracyPoint?
}
