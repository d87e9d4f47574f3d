/// How the pool's upstreams change when DNS discovery reports the addresses a name resolves to now.
///
/// Addresses that appear join, addresses that are gone leave. An empty answer changes nothing: a resolver hiccup
/// or a moment with no ready api-server must not empty the pool, and the health checks already take unreachable
/// upstreams out of rotation.
struct UpstreamSetChange: Equatable, Sendable {
    /// Discovered upstreams not in the pool yet, in the order they were discovered.
    let joined: [Upstream]
    /// Pool members no longer discovered, in pool order.
    let left: [Upstream]

    init(current: [Upstream], discovered: [Upstream]) {
        guard !discovered.isEmpty else {
            joined = []
            left = []
            return
        }
        let currentSet = Set(current)
        let discoveredSet = Set(discovered)
        var seen = Set<Upstream>()
        joined = discovered.filter { !currentSet.contains($0) && seen.insert($0).inserted }
        left = current.filter { !discoveredSet.contains($0) }
    }

    var isEmpty: Bool { joined.isEmpty && left.isEmpty }
}
