import CMongoc
import Foundation

/// The retry loop of `MongoDatabase.withTransaction` on one session.
struct TransactionRunner {
    let session: MongoSession
    let maxRetries: Int

    func run<T: Sendable>(_ body: @Sendable (MongoSession) async throws -> T) async throws -> T {
        var attempt = 0
        attempts: while true {
            attempt += 1
            try await session.run { connection in try Self.start(connection.session!) }
            let result: T
            do {
                result = try await body(session)
            } catch {
                _ = try? await session.run { connection in Self.abort(connection.session!) }
                if let mongoError = error as? MongoError, mongoError.isTransient, attempt <= maxRetries {
                    await Self.pause(attempt)
                    continue attempts
                }
                throw error
            }
            var commitAttempt = 0
            while true {
                do {
                    try await session.run { connection in try Self.commit(connection.session!) }
                    return result
                } catch let error as MongoError {
                    if error.labels.contains("UnknownTransactionCommitResult") && commitAttempt < maxRetries {
                        commitAttempt += 1
                        continue
                    }
                    if error.isTransient && attempt <= maxRetries {
                        await Self.pause(attempt)
                        continue attempts
                    }
                    throw error
                }
            }
        }
    }

    /// Jittered, growing pause so that two conflicting transactions do not retry in lockstep.
    private static func pause(_ attempt: Int) async {
        let ceiling = UInt64(min(attempt, 6)) * 20_000_000
        try? await Task.sleep(nanoseconds: UInt64.random(in: 5_000_000...ceiling))
    }

    private static func start(_ session: OpaquePointer) throws {
        let options = mongoc_transaction_opts_new()
        let readConcern = mongoc_read_concern_new()
        let writeConcern = mongoc_write_concern_new()
        defer {
            mongoc_write_concern_destroy(writeConcern)
            mongoc_read_concern_destroy(readConcern)
            mongoc_transaction_opts_destroy(options)
        }
        mongoc_read_concern_set_level(readConcern, MONGOC_READ_CONCERN_LEVEL_SNAPSHOT)
        mongoc_write_concern_set_w(writeConcern, MONGOC_WRITE_CONCERN_W_MAJORITY)
        mongoc_transaction_opts_set_read_concern(options, readConcern)
        mongoc_transaction_opts_set_write_concern(options, writeConcern)
        var error = bson_error_t()
        guard mongoc_client_session_start_transaction(session, options, &error) else { throw MongoError(error) }
    }

    private static func commit(_ session: OpaquePointer) throws {
        try LibBSONMemory.withStorage { reply in
            bson_init(reply)
            defer { bson_destroy(reply) }
            var error = bson_error_t()
            guard mongoc_client_session_commit_transaction(session, reply, &error) else {
                throw MongoError(error, reply: reply)
            }
        }
    }

    private static func abort(_ session: OpaquePointer) {
        var error = bson_error_t()
        // The server may already have aborted (e.g. after a write conflict); nothing more to do then.
        _ = mongoc_client_session_abort_transaction(session, &error)
    }
}
