/// One review's hashed n-gram counts before weighting: for the text, the title and the text's closing sentence,
/// bucket indices ascending.
public struct TermCounts: Sendable, Equatable {
    public var textBuckets: [Int32] = []
    public var textCounts: [Float] = []
    public var summaryBuckets: [Int32] = []
    public var summaryCounts: [Float] = []
    public var closingBuckets: [Int32] = []
    public var closingCounts: [Float] = []

    public init() {}

    /// Turns a list of bucket hits into ascending unique buckets with their counts.
    static func runLengths(_ hits: inout [Int32]) -> ([Int32], [Float]) {
        guard !hits.isEmpty else { return ([], []) }
        hits.sort()
        var buckets: [Int32] = [], counts: [Float] = []
        buckets.reserveCapacity(hits.count)
        counts.reserveCapacity(hits.count)
        var current = hits[0], run: Float = 0
        for hit in hits {
            if hit == current {
                run += 1
            } else {
                buckets.append(current)
                counts.append(run)
                current = hit
                run = 1
            }
        }
        buckets.append(current)
        counts.append(run)
        return (buckets, counts)
    }
}
