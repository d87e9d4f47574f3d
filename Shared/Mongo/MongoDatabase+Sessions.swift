import CMongoc
import Foundation

extension MongoDatabase {
    /// Ends the server sessions with these ids (``MongoSession/id``), aborting their open transactions. Ids that no
    /// longer exist are ignored by the server. Unlike `killAllSessions`, it touches no other client's session.
    public func killSessions(_ ids: [String]) async throws {
        let uuids = ids.compactMap { Data(base64Encoded: $0) }.filter { $0.count == 16 }
        guard !uuids.isEmpty else { return }
        try await client.withConnection(session: nil) { connection in
            try connection.withDatabase("admin") { database in
                // Built with libbson directly: a session id is a binary UUID, which `BSON` has no case for.
                guard let command = bson_new() else { throw MongoError.user(message: "libbson could not allocate a document") }
                defer { bson_destroy(command) }
                let list = bson_new()!, entry = bson_new()!
                defer { bson_destroy(list); bson_destroy(entry) }
                bson_append_array_begin(command, "killSessions", -1, list)
                for (index, uuid) in uuids.enumerated() {
                    bson_append_document_begin(list, String(index), -1, entry)
                    uuid.withUnsafeBytes { bytes in
                        _ = bson_append_binary(entry, "id", -1, BSON_SUBTYPE_UUID, bytes.bindMemory(to: UInt8.self).baseAddress, 16)
                    }
                    bson_append_document_end(list, entry)
                }
                bson_append_array_end(command, list)
                try connection.withReply { reply in
                    var error = bson_error_t()
                    guard mongoc_database_command_with_opts(database, command, nil, nil, reply, &error)
                    else { throw MongoError(error, reply: reply) }
                }
            }
        }
    }
}
