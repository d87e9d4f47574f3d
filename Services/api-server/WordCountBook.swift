import Algorithms

/// Every word's count, held in memory from one full read of `wordcount` and then the batch records' increments, so
/// the top words cost the database nothing per commit. (Sorting `wordcount` by count on the local database took
/// 0.4–0.9 s at 20,000 words, on every commit, in every api-server; following `wordcount`'s own change stream made the
/// database produce a thousand events per batch for every api-server.)
///
/// The book knows the number of the last batch it includes. Batch records come in commit order, numbered without
/// gaps, so a record at or below that number is already counted (it overlapped the full read, or came again after a
/// reconnect) and is ignored, and a record further ahead than the next one means some were missed: the caller reads
/// everything again. Increments are therefore applied exactly once.
struct WordCountBook: Sendable {
    private(set) var counts: [String: Int] = [:]
    /// False until the first full read; until then readers fall back to the database.
    private(set) var isLoaded = false
    /// The newest batch the counts include.
    private(set) var batch = 0
    /// Bumped on every change, so callers can cache what they derive.
    private(set) var revision = 0

    enum Outcome: Equatable {
        case applied
        /// The batch is already in the counts; nothing changed.
        case alreadyCounted
        /// Batches between the book and this one are missing; nothing changed, read everything again.
        case missedBatches
    }

    /// Replaces everything with a full read that includes batches up to `batch`.
    mutating func load(_ entries: some Sequence<(String, Int)>, batch: Int) {
        counts = Dictionary(entries.map { ($0.0, $0.1) }, uniquingKeysWith: max)
        self.batch = batch
        isLoaded = true
        revision += 1
    }

    /// Adds batch `batch`'s increments, if it is the next one.
    mutating func add(_ increments: some Sequence<(String, Int)>, batch: Int) -> Outcome {
        guard isLoaded, batch > self.batch else { return isLoaded ? .alreadyCounted : .missedBatches }
        guard batch == self.batch + 1 else { return .missedBatches }
        for (word, increment) in increments { counts[word, default: 0] += increment }
        self.batch = batch
        revision += 1
        return .applied
    }

    /// The `limit` most frequent words, by count descending and then alphabetically (the database query's order).
    func top(_ limit: Int) -> [WordCountEntry] {
        counts.max(count: limit) { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }
            .reversed()
            .map { WordCountEntry(_id: $0.key, value: $0.key, count: $0.value) }
    }
}
