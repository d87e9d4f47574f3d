import CMongoc

extension MongoCollection {
    /// Inserts one document; libmongoc adds an ObjectId `_id` when the document has none.
    public func insertOne(_ document: BSONDocument, session: MongoSession? = nil) async throws {
        try await withCollection(session: session) { connection, collection in
            try document.withBSON { document in
                try connection.withOptions([:]) { options in
                    try connection.withReply { reply in
                        var error = bson_error_t()
                        guard mongoc_collection_insert_one(collection, document, options, reply, &error) else {
                            throw MongoError(error, reply: reply)
                        }
                    }
                }
            }
        }
    }

    /// Encodes `value` with `BSONEncoder` and inserts it.
    public func insertOne<T: Encodable>(_ value: T, session: MongoSession? = nil) async throws {
        try await insertOne(try BSONEncoder().encode(value), session: session)
    }

    /// Inserts `documents` in one command (split into batches by libmongoc) and returns how many were inserted.
    /// With `ordered: false` the server attempts every document even after a failure.
    @discardableResult
    public func insertMany(_ documents: [BSONDocument], ordered: Bool = true, session: MongoSession? = nil)
        async throws -> Int
    {
        guard !documents.isEmpty else { return 0 }
        return try await withCollection(session: session) { connection, collection in
            var converted: [OpaquePointer?] = []
            converted.reserveCapacity(documents.count)
            defer { for bson in converted { bson_destroy(bson) } }
            for document in documents { converted.append(try document.makeBSON()) }
            return try connection.withOptions(["ordered": .bool(ordered)]) { options in
                try connection.withReply { reply in
                    var error = bson_error_t()
                    let inserted = converted.withUnsafeMutableBufferPointer { pointers in
                        mongoc_collection_insert_many(
                            collection, pointers.baseAddress, pointers.count, options, reply, &error)
                    }
                    guard inserted else { throw MongoError(error, reply: reply) }
                    return BSONDocument(copying: reply)["insertedCount"]?.intValue ?? documents.count
                }
            }
        }
    }

    /// Updates the first document matching `filter` (or inserts one when `upsert` is true and none matches).
    @discardableResult
    public func updateOne(
        filter: BSONDocument, update: BSONDocument, upsert: Bool = false, session: MongoSession? = nil
    ) async throws -> MongoBulkWriteResult {
        try await performUpdate(filter: filter, update: update, upsert: upsert, many: false, session: session)
    }

    /// Updates every document matching `filter` (or inserts one when `upsert` is true and none matches).
    @discardableResult
    public func updateMany(
        filter: BSONDocument, update: BSONDocument, upsert: Bool = false, session: MongoSession? = nil
    ) async throws -> MongoBulkWriteResult {
        try await performUpdate(filter: filter, update: update, upsert: upsert, many: true, session: session)
    }

    private func performUpdate(
        filter: BSONDocument, update: BSONDocument, upsert: Bool, many: Bool, session: MongoSession?
    ) async throws -> MongoBulkWriteResult {
        try await withCollection(session: session) { connection, collection in
            try filter.withBSON { filter in
                try update.withBSON { update in
                    try connection.withOptions(["upsert": .bool(upsert)]) { options in
                        try connection.withReply { reply in
                            var error = bson_error_t()
                            let updated =
                                many
                                ? mongoc_collection_update_many(collection, filter, update, options, reply, &error)
                                : mongoc_collection_update_one(collection, filter, update, options, reply, &error)
                            guard updated else { throw MongoError(error, reply: reply) }
                            let counts = BSONDocument(copying: reply)
                            return MongoBulkWriteResult(
                                matchedCount: counts["matchedCount"]?.intValue ?? 0,
                                modifiedCount: counts["modifiedCount"]?.intValue ?? 0,
                                upsertedCount: counts["upsertedCount"]?.intValue ?? 0)
                        }
                    }
                }
            }
        }
    }

    /// Deletes the first document matching `filter`; returns how many were deleted (0 or 1).
    @discardableResult
    public func deleteOne(_ filter: BSONDocument, session: MongoSession? = nil) async throws -> Int {
        try await delete(filter, many: false, session: session)
    }

    /// Deletes every document matching `filter`; returns how many were deleted.
    @discardableResult
    public func deleteMany(_ filter: BSONDocument, session: MongoSession? = nil) async throws -> Int {
        try await delete(filter, many: true, session: session)
    }

    private func delete(_ filter: BSONDocument, many: Bool, session: MongoSession?) async throws -> Int {
        try await withCollection(session: session) { connection, collection in
            try filter.withBSON { filter in
                try connection.withOptions([:]) { options in
                    try connection.withReply { reply in
                        var error = bson_error_t()
                        let deleted =
                            many
                            ? mongoc_collection_delete_many(collection, filter, options, reply, &error)
                            : mongoc_collection_delete_one(collection, filter, options, reply, &error)
                        guard deleted else { throw MongoError(error, reply: reply) }
                        return BSONDocument(copying: reply)["deletedCount"]?.intValue ?? 0
                    }
                }
            }
        }
    }

    /// Sends `operations` as a libmongoc bulk operation: one round trip per server batch (up to 100,000 writes
    /// of the same kind), rather than one per write.
    ///
    /// With `ordered: true` the server stops at the first failing write; with `ordered: false` it attempts all of
    /// them. Either way a failure throws (the first write error, e.g. `.server(code: 11000, ...)`).
    @discardableResult
    public func bulkWrite(_ operations: [MongoWriteOperation], ordered: Bool = true, session: MongoSession? = nil)
        async throws -> MongoBulkWriteResult
    {
        guard !operations.isEmpty else { return MongoBulkWriteResult() }
        return try await withCollection(session: session) { connection, collection in
            try connection.withOptions(["ordered": .bool(ordered)]) { options in
                guard let bulk = mongoc_collection_create_bulk_operation_with_opts(collection, options) else {
                    throw MongoError.user(message: "libmongoc could not create a bulk operation")
                }
                defer { mongoc_bulk_operation_destroy(bulk) }
                for operation in operations {
                    try BulkOperationBuilder.append(operation, to: bulk)
                }
                return try connection.withReply { reply in
                    var error = bson_error_t()
                    guard mongoc_bulk_operation_execute(bulk, reply, &error) != 0 else {
                        throw MongoError(error, reply: reply)
                    }
                    let counts = BSONDocument(copying: reply)
                    return MongoBulkWriteResult(
                        insertedCount: counts["nInserted"]?.intValue ?? 0,
                        matchedCount: counts["nMatched"]?.intValue ?? 0,
                        modifiedCount: counts["nModified"]?.intValue ?? 0,
                        deletedCount: counts["nRemoved"]?.intValue ?? 0,
                        upsertedCount: counts["nUpserted"]?.intValue ?? 0)
                }
            }
        }
    }
}
