import Hummingbird
import ServiceSupport

/// How one `/api/v1/stream` client wants its updates paced, from the query string.
///
/// A dashboard cannot show more than a few changes a second, so by default updates are coalesced to one push per
/// `interval` carrying only the newest `predictions`, their text clipped to `preview` characters: what an open
/// dashboard receives stays small however fast reviews arrive. `?interval=0&predictions=100&preview=0` asks for every
/// commit with every new prediction in full (benchmarks and tools that must see each review).
struct LiveStreamOptions: Sendable, Equatable {
    var interval: Duration = .seconds(1)
    var predictions = 5
    /// Characters of review text per prediction; 0 sends the whole text.
    var preview = 160

    init() {}

    init(_ query: Parameters) throws {
        if let interval = try Self.integer(query, "interval", in: 0...60_000) { self.interval = .milliseconds(interval) }
        if let predictions = try Self.integer(query, "predictions", in: 1...ResultsSnapshot.size) { self.predictions = predictions }
        if let preview = try Self.integer(query, "preview", in: 0...100_000) { self.preview = preview }
    }

    private static func integer(_ query: Parameters, _ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let raw = query.get(name) else { return nil }
        guard let value = Int(raw), range.contains(value) else {
            throw APIError(.badRequest, "invalid_\(name)",
                           "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound); got \"\(raw)\".")
        }
        return value
    }
}
