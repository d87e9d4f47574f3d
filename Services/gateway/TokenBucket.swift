/// A token bucket: holds up to `burst` tokens, refills at `rate` tokens per second, and each request takes one.
struct TokenBucket: Sendable {
    private(set) var tokens: Double
    private(set) var updated: Double

    /// A full bucket at time `now` (seconds on a monotonic clock).
    init(burst: Double, now: Double) {
        self.tokens = burst
        self.updated = now
    }

    /// Takes a token if there is one. Otherwise returns the seconds until the next token.
    mutating func take(rate: Double, burst: Double, now: Double) -> Double? {
        refill(rate: rate, burst: burst, now: now)
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        return (1 - tokens) / rate
    }

    /// Whether the bucket would be full at `now`: a client idle that long is indistinguishable from a new one.
    func isFull(rate: Double, burst: Double, now: Double) -> Bool {
        tokens + max(0, now - updated) * rate >= burst
    }

    private mutating func refill(rate: Double, burst: Double, now: Double) {
        tokens = min(burst, tokens + max(0, now - updated) * rate)
        updated = max(updated, now)
    }
}
