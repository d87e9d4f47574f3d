/// Names of the MongoDB collections the stream processor writes and the api-server reads (docs/data-contracts.md).
public enum ResultCollections {
    /// `{_id: word, count}`
    public static let wordCount = "wordcount"
    /// `{_id: reviewId, review, expected, result, score, probability, modelVersion, itemId?, processedAt}`
    public static let sentiment = "sentiment"
    /// `{_id: totalReviewsSoFar, value, correct}`, one point per micro-batch
    public static let accuracy = "accuracy"
    /// `{_id: "topic/partition", topic, partition, next, lastKey?}`: the offsets stored with the results, the source of
    /// truth for exactly-once; `lastKey` is the key of the message at `next - 1`, which tells a log that lost its tail
    /// and re-used offsets from one that did not (``StoredPosition``)
    public static let offsets = "offsets"
    /// ``StoredModel`` documents: trained model versions published by the trainer, one of them active.
    public static let models = "models"
    /// `{_id: "reviews", count, correct, deadLettered, words, batches, modelVersion}`: running totals
    public static let totals = "totals"
    /// `{_id: batch number, totals, words, counts, predictions, accuracy?}`: what each committed batch changed (the
    /// totals after it, its word-count increments, its `sentiment` and `accuracy` documents), written in the batch's
    /// transaction. Readers follow this one collection's change stream (one small event per batch) instead of the
    /// thousands of `wordcount` changes a batch makes. The newest ``batchLogRetention`` are kept.
    public static let batches = "batches"
    /// How many of the newest ``batches`` documents the processor keeps.
    public static let batchLogRetention = 1000
    /// ``ProcessorSessions``: the database sessions each processor instance ran its transactions on.
    public static let processorSessions = "processor_sessions"
    /// The `_id` of the single document in ``totals``.
    public static let totalsID = "reviews"
}
