import Foundation

/// One request counted in flight on an upstream, released exactly once: when the proxied body has been streamed, or
/// when the response is dropped unwritten (the client left before it started), whichever comes first.
/// Unchecked Sendable: the released flag is behind `lock`.
final class UpstreamLease: @unchecked Sendable {
    let upstream: Upstream
    private let pool: UpstreamPool
    private let lock = NSLock()
    private var released = false

    init(upstream: Upstream, pool: UpstreamPool) {
        self.upstream = upstream
        self.pool = pool
    }

    func release() {
        let first = lock.withLock {
            defer { released = true }
            return !released
        }
        if first { pool.release(upstream) }
    }

    deinit {
        release()
    }
}
