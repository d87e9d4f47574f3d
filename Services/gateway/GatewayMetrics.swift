import Foundation
import Metrics

/// The gateway's own metrics, next to the per-route ones Hummingbird's `MetricsMiddleware` records.
///
/// The factory is passed in rather than taken from `MetricsSystem`, so tests can read the metrics from a registry of
/// their own without bootstrapping the process-wide system.
/// Unchecked Sendable: the per-label metric tables are read and filled under `lock`; the metrics themselves are thread-safe.
final class GatewayMetrics: @unchecked Sendable {
    private let factory: any MetricsFactory
    private let rateLimited: Counter
    private let lock = NSLock()
    private var upstreamRequests: [String: Counter] = [:]
    private var upstreamHealth: [String: Gauge] = [:]
    private var cacheLookups: [String: Counter] = [:]

    init(factory: any MetricsFactory) {
        self.factory = factory
        self.rateLimited = Counter(label: "gateway_rate_limited_total", factory: factory)
    }

    /// Counts one answer (or failure, with status `error`) from an upstream.
    func recordUpstreamRequest(_ upstream: Upstream, status: String) {
        upstreamRequestCounter(upstream, status: status).increment()
    }

    /// The counter ``recordUpstreamRequest(_:status:)`` increments (the pipeline keeps the last one it used).
    func upstreamRequestCounter(_ upstream: Upstream, status: String) -> Counter {
        counter(in: \.upstreamRequests, key: upstream.name + " " + status, label: "gateway_upstream_requests_total",
                dimensions: [("upstream", upstream.name), ("status", status)])
    }

    /// The counter stored under `key` in one of the tables, made on first use.
    private func counter(in table: ReferenceWritableKeyPath<GatewayMetrics, [String: Counter]>, key: String, label: String,
                         dimensions: [(String, String)]) -> Counter {
        lock.withLock {
            if let counter = self[keyPath: table][key] { return counter }
            let counter = Counter(label: label, dimensions: dimensions, factory: factory)
            self[keyPath: table][key] = counter
            return counter
        }
    }

    func recordHealth(_ upstream: Upstream, healthy: Bool) {
        let gauge = lock.withLock {
            if let gauge = upstreamHealth[upstream.name] { return gauge }
            let gauge = Gauge(label: "gateway_upstream_healthy", dimensions: [("upstream", upstream.name)], factory: factory)
            upstreamHealth[upstream.name] = gauge
            return gauge
        }
        gauge.record(healthy ? 1 : 0)
    }

    /// Drops the health gauge of an upstream that left the pool for good, so departed pods leave no series behind.
    func forgetUpstream(_ upstream: Upstream) {
        guard let gauge = lock.withLock({ upstreamHealth.removeValue(forKey: upstream.name) }) else { return }
        gauge.destroy()
    }

    /// Counts one proxied GET on a cached path by what the cache did: `hit`, `miss` (asked upstream and stored) or
    /// `uncacheable` (asked upstream, not stored).
    func recordCache(_ result: String) {
        counter(in: \.cacheLookups, key: result, label: "gateway_cache_requests_total", dimensions: [("result", result)]).increment()
    }

    func recordRateLimited() {
        rateLimited.increment()
    }
}
