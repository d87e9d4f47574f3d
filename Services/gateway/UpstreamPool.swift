import Foundation
import Logging

/// The upstreams with their health and load: picks one per request and takes failing ones out of rotation.
///
/// An upstream leaves the pool after `failuresBeforeEjection` failed health checks in a row, or at once when a
/// connection to it fails; one passing health check brings it back. All state sits behind one lock: every operation
/// is a few comparisons over a handful of upstreams, far cheaper than an actor hop per request.
/// Unchecked Sendable: the members' health and in-flight counts are behind `lock`.
final class UpstreamPool: @unchecked Sendable {
    private struct Member {
        let upstream: Upstream
        var healthy = true
        var consecutiveFailures = 0
        var inFlight = 0
    }

    let strategy: BalancingStrategy
    let failuresBeforeEjection: Int
    private let metrics: GatewayMetrics
    private let logger: Logger
    private let lock = NSLock()
    private var members: [Member]
    /// Where the next search for an upstream starts, so round-robin rotates and least-connections breaks ties fairly.
    private var cursor = 0

    init(upstreams: [Upstream], strategy: BalancingStrategy, failuresBeforeEjection: Int, metrics: GatewayMetrics, logger: Logger) {
        self.members = upstreams.map { Member(upstream: $0) }
        self.strategy = strategy
        self.failuresBeforeEjection = max(1, failuresBeforeEjection)
        self.metrics = metrics
        self.logger = logger
        // Upstreams start in the pool; the first health check runs at once and corrects this within one timeout.
        for upstream in upstreams { metrics.recordHealth(upstream, healthy: true) }
    }

    var upstreams: [Upstream] { lock.withLock { members.map(\.upstream) } }

    var healthyCount: Int { lock.withLock { members.count(where: \.healthy) } }

    /// Requests currently forwarded to `upstream`, including open streams.
    func inFlight(_ upstream: Upstream) -> Int {
        lock.withLock { members.first { $0.upstream == upstream }?.inFlight ?? 0 }
    }

    func isHealthy(_ upstream: Upstream) -> Bool {
        lock.withLock { members.first { $0.upstream == upstream }?.healthy ?? false }
    }

    /// Picks a healthy upstream other than `excluded` and counts a request in flight on it; nil when there is none.
    /// Every successful call must be matched by one ``release(_:)``.
    func acquire(excluding excluded: Upstream? = nil) -> Upstream? {
        lock.withLock {
            var chosen: Int?
            for offset in 0..<members.count {
                let index = (cursor + offset) % members.count
                let member = members[index]
                guard member.healthy, member.upstream != excluded else { continue }
                if strategy == .roundRobin {
                    chosen = index
                    break
                }
                if chosen.map({ member.inFlight < members[$0].inFlight }) ?? true { chosen = index }
            }
            guard let index = chosen else { return nil }
            cursor = (index + 1) % members.count
            members[index].inFlight += 1
            return members[index].upstream
        }
    }

    func release(_ upstream: Upstream) {
        lock.withLock {
            guard let index = members.firstIndex(where: { $0.upstream == upstream }) else { return }
            members[index].inFlight = max(0, members[index].inFlight - 1)
        }
    }

    /// Records one active health check.
    func recordHealthCheck(_ upstream: Upstream, passed: Bool, detail: String) {
        let change: Bool? = lock.withLock {
            guard let index = members.firstIndex(where: { $0.upstream == upstream }) else { return nil }
            if passed {
                members[index].consecutiveFailures = 0
                guard !members[index].healthy else { return nil }
                members[index].healthy = true
                return true
            }
            members[index].consecutiveFailures += 1
            guard members[index].healthy, members[index].consecutiveFailures >= failuresBeforeEjection else { return nil }
            members[index].healthy = false
            return false
        }
        if let healthy = change { announce(upstream, healthy: healthy, reason: detail) }
    }

    /// Makes the members the discovered upstreams (``UpstreamSetChange``): new ones join as healthy, as a pod only
    /// appears in DNS once it is ready, and the next health check confirms it; vanished ones leave, and their
    /// requests in flight finish untracked.
    @discardableResult
    func update(discovered: [Upstream]) -> UpstreamSetChange {
        let change: UpstreamSetChange = lock.withLock {
            let change = UpstreamSetChange(current: members.map(\.upstream), discovered: discovered)
            let leaving = Set(change.left)
            members.removeAll { leaving.contains($0.upstream) }
            members += change.joined.map { Member(upstream: $0) }
            return change
        }
        for upstream in change.joined { metrics.recordHealth(upstream, healthy: true) }
        for upstream in change.left { metrics.forgetUpstream(upstream) }
        return change
    }

    /// Takes an upstream out of the pool at once, after a request to it could not connect or lost its connection.
    func markDown(_ upstream: Upstream, reason: String) {
        let changed: Bool = lock.withLock {
            guard let index = members.firstIndex(where: { $0.upstream == upstream }) else { return false }
            members[index].consecutiveFailures = max(members[index].consecutiveFailures, failuresBeforeEjection)
            guard members[index].healthy else { return false }
            members[index].healthy = false
            return true
        }
        if changed { announce(upstream, healthy: false, reason: reason) }
    }

    private func announce(_ upstream: Upstream, healthy: Bool, reason: String) {
        metrics.recordHealth(upstream, healthy: healthy)
        if healthy {
            logger.notice("upstream back in the pool", metadata: ["upstream": "\(upstream.name)"])
        } else {
            logger.warning("upstream left the pool", metadata: ["upstream": "\(upstream.name)", "reason": "\(reason)"])
        }
    }
}
