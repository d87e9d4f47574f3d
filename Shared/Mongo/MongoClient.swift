import CMongoc
import Foundation
import Logging

/// A connection to a MongoDB deployment, backed by a libmongoc client pool.
///
/// Every operation takes a client from the pool for its duration and gives it back, so one `MongoClient` is shared
/// by the whole process and is safe to use from any task. Blocking libmongoc calls run on dedicated threads, never on
/// Swift's cooperative pool. Writes use write concern `majority` unless the URI sets `w`.
/// Unchecked Sendable: libmongoc's pool is thread-safe; the shut-down flag and the open streams are behind `lock`.
public final class MongoClient: @unchecked Sendable {
    let pool: MongocClientPool
    let logger: Logger
    private let lock = NSLock()
    private var isShutDown = false
    private var openStreams: [ObjectIdentifier: ChangeStreamReader] = [:]

    /// Creates the client pool; no connection is made until the first operation.
    /// - Parameters:
    ///   - uri: A MongoDB connection string, e.g. `mongodb://127.0.0.1:27017/?replicaSet=secantus`. Options such as
    ///     `serverSelectionTimeoutMS`, `w` and `appname` are honoured.
    ///   - appName: Sent to the server in the handshake unless the URI sets `appname`.
    ///   - maxPoolSize: The most connections (and so concurrent operations, open transactions and change streams)
    ///     this client uses at once.
    ///   - logger: Where the module logs; libmongoc's own messages go to the "mongoc" logger.
    /// - Throws: `MongoError.user` for an invalid URI or pool size.
    public init(
        uri: String, appName: String = "review-stream", maxPoolSize: Int = 16,
        logger: Logger = Logger(label: "mongo")
    ) throws {
        self.pool = try MongocClientPool(uri: uri, appName: appName, maxPoolSize: maxPoolSize, logger: logger)
        self.logger = logger
    }

    deinit {
        shutdown()
    }

    /// A handle to the database `name`; no round trip is made.
    public func database(_ name: String) -> MongoDatabase {
        MongoDatabase(client: self, name: name)
    }

    /// Sends `{ping: 1}` to the admin database; throws `.connection` when no server can be selected.
    public func ping() async throws {
        _ = try await database("admin").runCommand(["ping": 1])
    }

    /// Closes open change streams, waits (up to 10 s) for operations in flight to return their clients, and
    /// destroys the pool. Later operations throw `.connection`. Safe to call more than once.
    public func shutdown() {
        lock.lock()
        let streams = Array(openStreams.values)
        openStreams.removeAll()
        let alreadyShutDown = isShutDown
        isShutDown = true
        lock.unlock()
        if alreadyShutDown { return }
        pool.close()
        for stream in streams { stream.close() }
        pool.destroy(timeout: 10)
    }

    /// Runs `body` on an executor thread with a pooled client, or with the session's client when given one.
    func withConnection<T: Sendable>(
        session: MongoSession?, _ body: @escaping (MongocConnection) throws -> T
    ) async throws -> T {
        if let session {
            guard session.client === self else {
                throw MongoError.user(message: "the session belongs to a different MongoClient")
            }
            return try await session.run(body)
        }
        try await pool.acquire()
        defer { pool.release() }
        let pool = self.pool
        return try await BlockingExecutor.shared.run {
            let client = pool.pop()
            defer { pool.push(client) }
            return try body(MongocConnection(client: client, session: nil))
        }
    }

    func register(_ reader: ChangeStreamReader) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !isShutDown else { return false }
        openStreams[ObjectIdentifier(reader)] = reader
        return true
    }

    func unregister(_ reader: ChangeStreamReader) {
        lock.lock()
        openStreams[ObjectIdentifier(reader)] = nil
        lock.unlock()
    }
}
