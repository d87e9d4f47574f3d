import CMongoc
import Foundation

/// A database of a `MongoClient`. A cheap value: creating one makes no round trip.
public struct MongoDatabase: Sendable {
    /// The database name.
    public let name: String
    let client: MongoClient

    init(client: MongoClient, name: String) {
        self.client = client
        self.name = name
    }

    /// A handle to the collection `name`; no round trip is made.
    public func collection(_ name: String) -> MongoCollection {
        MongoCollection(database: self, name: name)
    }

    /// Runs a database command and returns the server's reply. No read or write concern is added, except the
    /// session's when `session` is given.
    /// - Throws: `MongoError.server` when the reply has `ok: 0`.
    @discardableResult
    public func runCommand(_ command: BSONDocument, session: MongoSession? = nil) async throws -> BSONDocument {
        let name = self.name
        return try await client.withConnection(session: session) { connection in
            try connection.withDatabase(name) { database in
                try command.withBSON { command in
                    try connection.withOptions([:]) { options in
                        try connection.withReply { reply in
                            var error = bson_error_t()
                            guard mongoc_database_command_with_opts(database, command, nil, options, reply, &error)
                            else { throw MongoError(error, reply: reply) }
                            return BSONDocument(copying: reply)
                        }
                    }
                }
            }
        }
    }

    /// Drops the database and all its collections.
    public func drop() async throws {
        let name = self.name
        try await client.withConnection(session: nil) { connection in
            try connection.withDatabase(name) { database in
                try connection.withOptions([:]) { options in
                    var error = bson_error_t()
                    guard mongoc_database_drop_with_opts(database, options, &error) else { throw MongoError(error) }
                }
            }
        }
    }

    /// The names of the database's collections, in the server's order.
    public func listCollectionNames() async throws -> [String] {
        let name = self.name
        return try await client.withConnection(session: nil) { connection in
            try connection.withDatabase(name) { database in
                var error = bson_error_t()
                guard let names = mongoc_database_get_collection_names_with_opts(database, nil, &error) else {
                    throw MongoError(error)
                }
                defer { bson_strfreev(names) }
                var result: [String] = []
                var index = 0
                while let entry = names[index] {
                    result.append(String(cString: entry))
                    index += 1
                }
                return result
            }
        }
    }

    /// Runs `body` in a multi-document transaction (write concern majority, read concern snapshot) on one pooled
    /// client, then commits.
    ///
    /// If `body` throws, the transaction is aborted and the error rethrown. When an error carries the
    /// "TransientTransactionError" label (e.g. 112 WriteConflict), the whole body runs again in a new transaction,
    /// up to `maxRetries` more times, after a short randomised pause. A commit that fails with
    /// "UnknownTransactionCommitResult" is retried as a commit. `body` may therefore run more than once and must
    /// not have side effects outside the transaction.
    ///
    /// Pass the session to every operation that belongs to the transaction; the session must not escape `body`.
    public func withTransaction<T: Sendable>(
        maxRetries: Int = 5, _ body: @Sendable (MongoSession) async throws -> T
    ) async throws -> T {
        let client = self.client
        let pool = client.pool
        try await pool.acquire()
        defer { pool.release() }
        let session = try await BlockingExecutor.shared.run { () throws -> MongoSession in
            let connection = pool.pop()
            do {
                return try MongoSession(client: client, connection: connection)
            } catch {
                pool.push(connection)
                throw error
            }
        }
        do {
            let result = try await TransactionRunner(session: session, maxRetries: maxRetries).run(body)
            await Self.end(session, pool: pool)
            return result
        } catch {
            await Self.end(session, pool: pool)
            throw error
        }
    }

    private static func end(_ session: MongoSession, pool: MongocClientPool) async {
        // Cannot fail: destroying a session only sends a best-effort abort.
        _ = try? await BlockingExecutor.shared.run { pool.push(session.end()) }
    }

    /// A change stream over every collection of the database; see `MongoCollection.watch`.
    public func watch(pipeline: [BSONDocument] = [], fullDocument: MongoFullDocument = .updateLookup)
        -> MongoChangeStream
    {
        MongoChangeStream(
            client: client, target: .database(name), pipeline: pipeline, fullDocument: fullDocument)
    }
}
