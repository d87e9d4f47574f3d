import CMongoc
import Foundation

/// A client session bound to one pooled client for its whole life; handed to the body of
/// `MongoDatabase.withTransaction`. Pass it to operations to run them inside the transaction. It must not be used
/// after the transaction's body has returned.
/// Unchecked Sendable: the libmongoc session and its client are used only under `lock`, one call at a time.
public final class MongoSession: @unchecked Sendable {
    let client: MongoClient
    private let connection: OpaquePointer
    private let handle: OpaquePointer
    // One session's libmongoc objects must be used by one thread at a time, even if the body runs operations
    // concurrently.
    private let lock = NSLock()
    private var ended = false

    /// Pops a client and starts a session on it; the caller holds the pool permit until `end()`.
    init(client: MongoClient, connection: OpaquePointer) throws {
        var error = bson_error_t()
        guard let handle = mongoc_client_start_session(connection, nil, &error) else {
            throw MongoError(error)
        }
        self.client = client
        self.connection = connection
        self.handle = handle
    }

    deinit {
        if !ended { mongoc_client_session_destroy(handle) }
    }

    /// The server session's id (`{id: <UUID>}`), which `killSessions` takes: a process that records the ids of its
    /// sessions can end exactly those after a crash, and nobody else's.
    public var lsid: BSONDocument {
        lock.withLock {
            guard !ended, let id = mongoc_client_session_get_lsid(handle) else { return [:] }
            return BSONDocument(copying: id)
        }
    }

    /// The server session's UUID, base64-encoded (what ``MongoDatabase/killSessions(_:)`` takes).
    public var id: String? { lsid["id"]?.stringValue }

    /// Runs `body` on an executor thread with this session's client.
    func run<T: Sendable>(_ body: @escaping (MongocConnection) throws -> T) async throws -> T {
        try await BlockingExecutor.shared.run { [self] in
            try withLockedConnection(body)
        }
    }

    /// Runs `body` on the current thread with this session's client; for code already on an executor thread.
    func withLockedConnection<T>(_ body: (MongocConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        guard !ended else { throw MongoError.user(message: "the session was used after its transaction ended") }
        return try body(MongocConnection(client: connection, session: handle))
    }

    /// Destroys the session (aborting any open transaction) and returns the client it held.
    func end() -> OpaquePointer {
        lock.lock()
        defer { lock.unlock() }
        if !ended {
            ended = true
            mongoc_client_session_destroy(handle)
        }
        return connection
    }
}
