/// Names of the MongoDB collections the stream processor writes and the api-server reads (DESIGN.md, data contracts).
public enum ResultCollections {
    /// `{_id: word, count}`
    public static let wordCount = "wordcount"
    /// `{_id: reviewId, review, expected, result, score, probability, modelVersion, itemId?, processedAt}`
    public static let sentiment = "sentiment"
    /// `{_id: totalReviewsSoFar, value, correct}`, one point per micro-batch
    public static let accuracy = "accuracy"
    /// `{_id: "topic/partition", next}`: the offsets stored with the results, the source of truth for exactly-once
    public static let offsets = "offsets"
    /// Trained model versions published by the trainer.
    public static let models = "models"
    /// `{_id: "reviews", count, correct, deadLettered, words}`: running totals
    public static let totals = "totals"
    /// The `_id` of the single document in ``totals``.
    public static let totalsID = "reviews"
}
