import Logging
import Metrics
import Testing
@testable import Gateway

@Suite("Upstream pool")
struct UpstreamPoolTests {
    let upstreams = ["http://10.0.0.1:3001", "http://10.0.0.2:3001", "http://10.0.0.3:3001"].map { Upstream($0)! }

    func pool(_ strategy: BalancingStrategy) -> UpstreamPool {
        UpstreamPool(
            upstreams: upstreams, strategy: strategy, failuresBeforeEjection: 2,
            metrics: GatewayMetrics(factory: NOOPMetricsHandler.instance), logger: Logger(label: "test")
        )
    }

    @Test("round-robin takes each upstream in turn")
    func roundRobin() {
        let pool = pool(.roundRobin)
        let picks = (0..<6).compactMap { _ in pool.acquire()?.name }
        #expect(picks == ["10.0.0.1:3001", "10.0.0.2:3001", "10.0.0.3:3001", "10.0.0.1:3001", "10.0.0.2:3001", "10.0.0.3:3001"])
    }

    @Test("least-connections picks the upstream with the fewest requests in flight")
    func leastConnections() {
        let pool = pool(.leastConnections)
        let first = pool.acquire()!, second = pool.acquire()!, third = pool.acquire()!
        #expect(Set([first, second, third]).count == 3)
        pool.release(second)
        #expect(pool.acquire() == second)
        #expect(pool.inFlight(first) == 1)
    }

    @Test("two failed checks in a row take an upstream out; one passing check brings it back")
    func ejectionAndReturn() {
        let pool = pool(.roundRobin)
        let target = upstreams[1]
        pool.recordHealthCheck(target, passed: false, detail: "503")
        #expect(pool.isHealthy(target), "one failure is not enough")
        pool.recordHealthCheck(target, passed: true, detail: "200")
        pool.recordHealthCheck(target, passed: false, detail: "503")
        #expect(pool.isHealthy(target), "failures must be consecutive")
        pool.recordHealthCheck(target, passed: false, detail: "503")
        #expect(!pool.isHealthy(target))
        #expect((0..<6).compactMap { _ in pool.acquire() }.allSatisfy { $0 != target })
        pool.recordHealthCheck(target, passed: true, detail: "200")
        #expect(pool.isHealthy(target))
        #expect(pool.healthyCount == 3)
    }

    @Test("a connection failure takes an upstream out at once, and an excluded one is not picked for the retry")
    func markDownAndExclude() {
        let pool = pool(.leastConnections)
        pool.markDown(upstreams[0], reason: "refused")
        #expect(!pool.isHealthy(upstreams[0]))
        #expect(pool.acquire(excluding: upstreams[1]) == upstreams[2])
        pool.markDown(upstreams[1], reason: "refused")
        pool.markDown(upstreams[2], reason: "refused")
        #expect(pool.acquire() == nil)
    }
}
