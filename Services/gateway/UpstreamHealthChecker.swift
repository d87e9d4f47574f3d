import AsyncHTTPClient
import Logging
import NIOCore
import ServiceLifecycle

/// Asks every upstream's health path on a fixed interval and reports the outcome to the pool; stops on graceful
/// shutdown.
struct UpstreamHealthChecker: Service {
    let pool: UpstreamPool
    let client: HTTPClient
    let path: String
    let interval: Duration
    let timeout: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await checkAll()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Checks all upstreams concurrently, so one that hangs delays nobody else's verdict.
    func checkAll() async {
        await withTaskGroup(of: Void.self) { group in
            for upstream in pool.upstreams {
                group.addTask {
                    let (passed, detail) = await check(upstream)
                    pool.recordHealthCheck(upstream, passed: passed, detail: detail)
                }
            }
        }
    }

    private func check(_ upstream: Upstream) async -> (Bool, String) {
        do {
            let request = HTTPClientRequest(url: upstream.url(for: path))
            let response = try await client.execute(request, timeout: TimeAmount(timeout))
            // Reading the (small) body hands the connection back to the pool for the next check or request.
            _ = try await response.body.collect(upTo: 64 * 1024)
            let passed = (200..<300).contains(Int(response.status.code))
            if !passed { logger.debug("health check failed", metadata: ["upstream": "\(upstream.name)", "status": "\(response.status.code)"]) }
            return (passed, "health check answered \(response.status.code)")
        } catch {
            logger.debug("health check failed", metadata: ["upstream": "\(upstream.name)", "error": "\(error)"])
            return (false, "health check failed: \(error)")
        }
    }
}
