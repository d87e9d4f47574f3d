/// Names of the MongoDB collections the stream processor writes and the api-server reads (docs/data-contracts.md).
public enum ResultCollections {
    /// ``WordCountDocument``: one per word.
    public static let wordCount = "wordcount"
    /// ``SentimentDocument``: one per processed review.
    public static let sentiment = "sentiment"
    /// ``AccuracyDocument``: one point per micro-batch.
    public static let accuracy = "accuracy"
    /// ``StoredPosition``: the offsets stored with the results, the source of truth for exactly-once.
    public static let offsets = "offsets"
    /// ``StoredModel`` documents: trained model versions published by the trainer, one of them active.
    public static let models = "models"
    /// ``TotalsDocument``: the running totals (one document, ``totalsID``).
    public static let totals = "totals"
    /// ``BatchRecordDocument``: what each committed batch changed (the totals after it, its word-count increments, its
    /// `sentiment` and `accuracy` documents), written in the batch's transaction. Readers follow this one collection's change stream (one small event per batch) instead of the
    /// thousands of `wordcount` changes a batch makes. The newest ``batchLogRetention`` are kept.
    public static let batches = "batches"
    /// How many of the newest ``batches`` documents the processor keeps.
    public static let batchLogRetention = 1000
    /// ``ProcessorSessions``: the database sessions each processor instance ran its transactions on.
    public static let processorSessions = "processor_sessions"
    /// The `_id` of the single document in ``totals``.
    public static let totalsID = "reviews"
}
