import CMongoc

/// A popped `mongoc_client_t`, plus the session it is used under (if any), for the duration of one blocking job.
/// Never escapes the job that received it.
struct MongocConnection {
    let client: OpaquePointer
    let session: OpaquePointer?

    func withDatabase<T>(_ name: String, _ body: (OpaquePointer) throws -> T) throws -> T {
        guard let database = mongoc_client_get_database(client, name) else {
            throw MongoError.user(message: "invalid database name '\(name)'")
        }
        defer { mongoc_database_destroy(database) }
        return try body(database)
    }

    func withCollection<T>(_ database: String, _ name: String, _ body: (OpaquePointer) throws -> T) throws -> T {
        guard let collection = mongoc_client_get_collection(client, database, name) else {
            throw MongoError.user(message: "invalid namespace '\(database).\(name)'")
        }
        defer { mongoc_collection_destroy(collection) }
        return try body(collection)
    }

    /// Runs `body` with `options` as libbson, with the session's `lsid` appended when there is a session.
    func withOptions<T>(_ options: BSONDocument, _ body: (OpaquePointer) throws -> T) throws -> T {
        let bson = try options.makeBSON()
        defer { bson_destroy(bson) }
        if let session {
            var error = bson_error_t()
            guard mongoc_client_session_append(session, bson, &error) else { throw MongoError(error) }
        }
        return try body(bson)
    }

    /// Runs `body` with an initialised reply document that is destroyed afterwards.
    func withReply<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        try LibBSONMemory.withStorage { reply in
            bson_init(reply)
            defer { bson_destroy(reply) }
            return try body(reply)
        }
    }

    /// Reads every document of `cursor`, then destroys it.
    static func drain(_ cursor: OpaquePointer) throws -> [BSONDocument] {
        defer { mongoc_cursor_destroy(cursor) }
        var documents: [BSONDocument] = []
        var current: OpaquePointer?
        while mongoc_cursor_next(cursor, &current) {
            if let current { documents.append(BSONDocument(copying: current)) }
        }
        var error = bson_error_t()
        var reply: OpaquePointer?
        if mongoc_cursor_error_document(cursor, &error, &reply) {
            throw MongoError(error, reply: reply)
        }
        return documents
    }
}

extension MongocConnection {
    /// A libmongoc database or collection handle.
    enum Handle {
        case database(OpaquePointer)
        case collection(OpaquePointer)
    }

    func withHandle<T>(of target: ChangeStreamReader.Target, _ body: (Handle) throws -> T) throws -> T {
        switch target {
        case .database(let name):
            return try withDatabase(name) { try body(.database($0)) }
        case .collection(let database, let name):
            return try withCollection(database, name) { try body(.collection($0)) }
        }
    }
}
