/// Counts reported by the server for a write.
public struct MongoBulkWriteResult: Sendable, Hashable {
    /// Documents inserted by `insertOne` operations (upserts are counted in `upsertedCount`).
    public let insertedCount: Int
    /// Documents matched by update and replace filters.
    public let matchedCount: Int
    /// Matched documents that actually changed.
    public let modifiedCount: Int
    /// Documents deleted.
    public let deletedCount: Int
    /// Documents created by upserts.
    public let upsertedCount: Int

    public init(insertedCount: Int = 0, matchedCount: Int = 0, modifiedCount: Int = 0, deletedCount: Int = 0,
                upsertedCount: Int = 0) {
        self.insertedCount = insertedCount
        self.matchedCount = matchedCount
        self.modifiedCount = modifiedCount
        self.deletedCount = deletedCount
        self.upsertedCount = upsertedCount
    }
}
