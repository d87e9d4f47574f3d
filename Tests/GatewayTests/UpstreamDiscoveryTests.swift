import Logging
import Metrics
import Prometheus
import Testing
@testable import Gateway

@Suite("Upstream discovery from DNS")
struct UpstreamDiscoveryTests {
    let a = Upstream("http://10.0.0.1:3001")!
    let b = Upstream("http://10.0.0.2:3001")!
    let c = Upstream("http://10.0.0.3:3001")!

    func pool(_ upstreams: [Upstream]) -> UpstreamPool {
        UpstreamPool(
            upstreams: upstreams, strategy: .roundRobin, failuresBeforeEjection: 2,
            metrics: GatewayMetrics(factory: NOOPMetricsHandler.instance), logger: Logger(label: "test")
        )
    }

    @Test("new addresses join, vanished ones leave, the ones still there stay")
    func setChange() {
        let change = UpstreamSetChange(current: [a, b], discovered: [b, c])
        #expect(change.joined == [c])
        #expect(change.left == [a])
        #expect(UpstreamSetChange(current: [a, b], discovered: [b, a]).isEmpty)
        #expect(UpstreamSetChange(current: [], discovered: [a, b]) == UpstreamSetChange(current: [], discovered: [a, b, a]))
        #expect(UpstreamSetChange(current: [], discovered: [a, b, a]).joined == [a, b])
    }

    @Test("an empty answer keeps the current upstreams")
    func emptyAnswerChangesNothing() {
        let change = UpstreamSetChange(current: [a, b], discovered: [])
        #expect(change.isEmpty)
        let pool = pool([a, b])
        pool.update(discovered: [])
        #expect(pool.upstreams == [a, b])
    }

    @Test("the pool picks joined upstreams and never one that left")
    func poolFollowsDiscovery() {
        let pool = pool([])
        #expect(pool.acquire() == nil)
        pool.update(discovered: [a, b])
        #expect(Set((0..<4).compactMap { _ in pool.acquire() }) == [a, b])
        let change = pool.update(discovered: [b, c])
        #expect(change.joined == [c] && change.left == [a])
        #expect(pool.upstreams == [b, c])
        #expect(Set((0..<6).compactMap { _ in pool.acquire() }) == [b, c])
        pool.release(a)  // a request that was in flight on a departed upstream finishes without harm
        #expect(pool.healthyCount == 2)
    }

    @Test("an upstream that left has no health series any more; one that joined has one")
    func departedUpstreamLeavesNoSeries() {
        let registry = PrometheusCollectorRegistry()
        let pool = UpstreamPool(
            upstreams: [], strategy: .roundRobin, failuresBeforeEjection: 2,
            metrics: GatewayMetrics(factory: PrometheusMetricsFactory(registry: registry)), logger: Logger(label: "test")
        )
        func exposition() -> String {
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return String(decoding: buffer, as: UTF8.self)
        }
        pool.update(discovered: [a, b])
        #expect(exposition().contains(#"gateway_upstream_healthy{upstream="10.0.0.1:3001"} 1"#))
        pool.update(discovered: [b, c])
        #expect(!exposition().contains(#"upstream="10.0.0.1:3001""#), "\(exposition())")
        #expect(exposition().contains(#"gateway_upstream_healthy{upstream="10.0.0.3:3001"} 1"#))
    }

    @Test("a target is name:port; IPv6 addresses are bracketed in the upstream URL")
    func target() {
        let target = UpstreamDiscovery.Target("api-server-pods:3001")
        #expect(target?.host == "api-server-pods" && target?.port == 3001)
        #expect(UpstreamDiscovery.Target("api-server-pods") == nil)
        #expect(UpstreamDiscovery.Target("api-server-pods:0") == nil)
        #expect(UpstreamDiscovery.Target(":3001") == nil)
        #expect(target?.upstream(at: "10.1.2.3")?.baseURL == "http://10.1.2.3:3001")
        #expect(target?.upstream(at: "fd00::7")?.baseURL == "http://[fd00::7]:3001")
    }

    @Test("localhost resolves to a loopback address; an invalid name is an error")
    func resolvesLocalhost() async throws {
        let addresses = try await HostAddressResolver.addresses(of: "localhost")
        #expect(!addresses.isEmpty)
        #expect(addresses.allSatisfy { $0 == "127.0.0.1" || $0 == "::1" }, "\(addresses)")
        #expect(Set(addresses).count == addresses.count)
        await #expect(throws: HostAddressResolver.Failure.self) {
            try await HostAddressResolver.addresses(of: "no-such-host.invalid")
        }
    }

    @Test("one refresh fills the pool with localhost's addresses on the target port")
    func refreshFillsPool() async {
        let pool = pool([])
        let discovery = UpstreamDiscovery(target: UpstreamDiscovery.Target("localhost:3001")!, interval: .seconds(5), pool: pool, logger: Logger(label: "test"))
        await discovery.refresh()
        let urls = pool.upstreams.map(\.baseURL)
        #expect(!urls.isEmpty)
        #expect(urls.allSatisfy { $0 == "http://127.0.0.1:3001" || $0 == "http://[::1]:3001" }, "\(urls)")
    }

    @Test("a gateway given only a DNS name proxies to the upstream it resolves to, and to no other")
    func gatewayProxiesToDiscoveredUpstream() async throws {
        try await GatewayHarness.run(configure: { configuration in
            // The harness's first upstream (alpha) listens on 127.0.0.1; localhost resolves to it.
            let port = configuration.upstreams[0].name.split(separator: ":").last!
            configuration.upstreams = []
            configuration.upstreamDiscovery = UpstreamDiscovery.Target("localhost:\(port)")
            configuration.discoveryInterval = .milliseconds(200)
        }) { gateway in
            let reached = await gateway.eventually(within: 5) {
                (try? await gateway.send("/api/whoami").text) == "alpha"
            }
            #expect(reached)
            for _ in 0..<10 {
                let reply = try await gateway.send("/api/whoami")
                #expect(reply.status == 200)
                #expect(reply.text == "alpha")
            }
            #expect(gateway.upstreams[1].requestCount("/api/whoami") == 0)
        }
    }
}
