import Algorithms

/// Every word's count, held in memory from one full read of `wordcount` and then its change stream, so the top words
/// cost the database nothing per commit. (Sorting `wordcount` by count on the local database took 0.4–0.9 s at 20,000
/// words, on every commit, in every api-server, and held up the processor's transactions.)
///
/// Counts only grow (the processor `$inc`s them), so a change carries the word's new absolute count and the book keeps
/// the larger of what it has and what it is told: events that overlap the full read, or arrive twice after a
/// reconnect, cannot move a count backwards.
struct WordCountBook: Sendable {
    private(set) var counts: [String: Int] = [:]
    /// False until the first full read; until then readers fall back to the database.
    private(set) var isLoaded = false
    /// Bumped on every change that matters, so callers can cache what they derive.
    private(set) var revision = 0

    /// Replaces everything with a full read.
    mutating func load(_ entries: some Sequence<(String, Int)>) {
        counts = Dictionary(entries.map { ($0.0, $0.1) }, uniquingKeysWith: max)
        isLoaded = true
        revision += 1
    }

    /// Records that `word` now has `count`; returns whether anything changed.
    @discardableResult
    mutating func apply(word: String, count: Int) -> Bool {
        guard count > counts[word] ?? 0 else { return false }
        counts[word] = count
        revision += 1
        return true
    }

    /// The `limit` most frequent words, by count descending and then alphabetically (the database query's order).
    func top(_ limit: Int) -> [WordCountEntry] {
        counts.max(count: limit) { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }
            .reversed()
            .map { WordCountEntry(_id: $0.key, value: $0.key, count: $0.value) }
    }
}
