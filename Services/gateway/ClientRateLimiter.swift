import Foundation

/// One ``TokenBucket`` per client address, with memory kept bounded.
///
/// A client whose bucket has refilled completely has left no trace worth keeping, so such buckets are dropped every
/// `sweepInterval`; if more than `maxClients` clients are active at once, the ones seen least recently go first.
/// Unchecked Sendable: the buckets and the sweep time are behind `lock`.
final class ClientRateLimiter: @unchecked Sendable {
    /// The outcome for one request.
    enum Decision: Equatable, Sendable {
        case allowed
        /// Refused; the client may try again after this many whole seconds.
        case limited(retryAfter: Int)
    }

    let rate: Double
    let burst: Double
    let maxClients: Int
    let sweepInterval: Double
    private let lock = NSLock()
    private var buckets: [String: TokenBucket] = [:]
    private var lastSweep: Double?

    init(rate: Double, burst: Double, maxClients: Int = 100_000, sweepInterval: Double = 10) {
        precondition(rate > 0 && burst >= 1, "rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self.maxClients = maxClients
        self.sweepInterval = sweepInterval
    }

    /// Number of clients currently tracked.
    var trackedClients: Int { lock.withLock { buckets.count } }

    /// Admits or refuses one request from `client` at `now` (seconds on a monotonic clock).
    func admit(_ client: String, now: Double = ClientRateLimiter.now()) -> Decision {
        lock.withLock {
            if now - (lastSweep ?? now) >= sweepInterval || (buckets[client] == nil && buckets.count >= maxClients) {
                sweep(now: now)
            }
            if lastSweep == nil { lastSweep = now }
            var bucket = buckets[client] ?? TokenBucket(burst: burst, now: now)
            let wait = bucket.take(rate: rate, burst: burst, now: now)
            buckets[client] = bucket
            guard let wait else { return .allowed }
            return .limited(retryAfter: max(1, Int(wait.rounded(.up))))
        }
    }

    /// Seconds on the monotonic clock.
    static func now() -> Double {
        let uptime = ContinuousClock.now - Self.origin
        return Double(uptime.components.seconds) + Double(uptime.components.attoseconds) * 1e-18
    }

    private static let origin = ContinuousClock.now

    private func sweep(now: Double) {
        lastSweep = now
        buckets = buckets.filter { !$0.value.isFull(rate: rate, burst: burst, now: now) }
        guard buckets.count >= maxClients else { return }
        // Every tracked client is active: keep the most recent half, so a flood of new addresses cannot grow memory.
        let keep = buckets.sorted { $0.value.updated > $1.value.updated }.prefix(maxClients / 2)
        buckets = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
    }
}
