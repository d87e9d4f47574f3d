import CMongoc
import Foundation
import Logging
import NIOConcurrencyHelpers

/// Owns the `mongoc_uri_t` and `mongoc_client_pool_t` of one `MongoClient`.
///
/// A permit is taken before every `pop`, with as many permits as the pool has clients, so `pop` never blocks an
/// executor thread; callers that cannot get a permit wait asynchronously (or, on a dedicated thread, blocking).
/// Unchecked Sendable: libmongoc's client pool is thread-safe; permits, waiters and flags are behind `condition`.
final class MongocClientPool: @unchecked Sendable {
    private typealias Waiter = (Result<Void, MongoError>) -> Void

    private let uri: OpaquePointer
    private let pool: OpaquePointer
    private let capacity: Int
    private let logger: Logger
    private let condition = NSCondition()
    private var permitsInUse = 0
    private var waiters: [Waiter] = []
    private var closed = false
    private var destroyed = false

    init(uri uriString: String, appName: String, maxPoolSize: Int, logger: Logger) throws {
        MongocRuntime.ensureInitialized()
        guard maxPoolSize > 0 else { throw MongoError.user(message: "maxPoolSize must be positive, got \(maxPoolSize)") }
        var error = bson_error_t()
        guard let uri = mongoc_uri_new_with_error(uriString, &error) else {
            throw MongoError.user(message: "invalid MongoDB URI: \(MongoError(error))")
        }
        mongoc_uri_set_option_as_int32(uri, MONGOC_URI_MAXPOOLSIZE, Int32(clamping: maxPoolSize))
        if mongoc_uri_get_appname(uri) == nil {
            mongoc_uri_set_appname(uri, appName)
        }
        // Writes default to w:majority unless the URI chose otherwise; inside transactions libmongoc sends the
        // transaction's own write concern at commit instead.
        if let inherited = mongoc_uri_get_write_concern(uri),
            mongoc_write_concern_get_w(inherited) == MONGOC_WRITE_CONCERN_W_DEFAULT,
            mongoc_write_concern_get_wtag(inherited) == nil
        {
            let majority = mongoc_write_concern_copy(inherited)
            mongoc_write_concern_set_w(majority, MONGOC_WRITE_CONCERN_W_MAJORITY)
            mongoc_uri_set_write_concern(uri, majority)
            mongoc_write_concern_destroy(majority)
        }
        guard let pool = mongoc_client_pool_new_with_error(uri, &error) else {
            mongoc_uri_destroy(uri)
            throw MongoError.user(message: "could not create the client pool: \(MongoError(error))")
        }
        mongoc_client_pool_set_error_api(pool, Int32(MONGOC_ERROR_API_VERSION_2))
        self.uri = uri
        self.pool = pool
        self.capacity = maxPoolSize
        self.logger = logger
    }

    deinit {
        destroy(timeout: 0)
    }

    /// Takes a permit for one pooled client, suspending (not blocking) while all are in use.
    func acquire() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            enqueue { continuation.resume(with: $0.mapError { $0 as Error }) }
        }
    }

    /// Takes a permit, blocking the calling thread; only for dedicated threads such as change-stream readers.
    func acquireBlocking() throws {
        let semaphore = DispatchSemaphore(value: 0)
        let outcome = NIOLockedValueBox<Result<Void, MongoError>?>(nil)
        enqueue { result in
            outcome.withLockedValue { $0 = result }
            semaphore.signal()
        }
        semaphore.wait()
        try outcome.withLockedValue { $0 }?.get()
    }

    private func enqueue(_ waiter: @escaping Waiter) {
        condition.lock()
        if closed {
            condition.unlock()
            waiter(.failure(.connection(message: "the MongoClient has been shut down")))
        } else if permitsInUse < capacity {
            permitsInUse += 1
            condition.unlock()
            waiter(.success(()))
        } else {
            waiters.append(waiter)
            condition.unlock()
        }
    }

    /// Returns a permit, handing it straight to the longest waiter if there is one.
    func release() {
        condition.lock()
        if !waiters.isEmpty {
            let next = waiters.removeFirst()
            condition.unlock()
            next(.success(()))
            return
        }
        permitsInUse -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Pops a client; call only while holding a permit, from an executor or dedicated thread.
    func pop() -> OpaquePointer {
        mongoc_client_pool_pop(pool)
    }

    func push(_ client: OpaquePointer) {
        mongoc_client_pool_push(pool, client)
    }

    /// Refuses new permits and fails the waiting ones.
    func close() {
        condition.lock()
        closed = true
        let failed = waiters
        waiters.removeAll()
        condition.unlock()
        for waiter in failed { waiter(.failure(.connection(message: "the MongoClient has been shut down"))) }
    }

    /// Closes, waits up to `timeout` for every client to come back, then destroys the pool. If clients are still
    /// out after that, the pool is leaked rather than destroyed under them.
    func destroy(timeout: TimeInterval) {
        close()
        condition.lock()
        let deadline = Date(timeIntervalSinceNow: timeout)
        while permitsInUse > 0 && condition.wait(until: deadline) {}
        let canDestroy = permitsInUse == 0 && !destroyed
        let outstanding = permitsInUse
        if canDestroy { destroyed = true }
        condition.unlock()
        if canDestroy {
            mongoc_client_pool_destroy(pool)
            mongoc_uri_destroy(uri)
        } else if outstanding > 0 {
            logger.error("MongoClient shut down with \(outstanding) pooled client(s) still in use; leaking the pool")
        }
    }
}
