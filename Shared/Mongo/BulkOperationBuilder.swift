import CMongoc

/// Adds `MongoWriteOperation`s to a `mongoc_bulk_operation_t`.
enum BulkOperationBuilder {
    static func append(_ operation: MongoWriteOperation, to bulk: OpaquePointer) throws {
        var error = bson_error_t()
        let added: Bool
        switch operation {
        case .insertOne(let document):
            added = try document.withBSON { mongoc_bulk_operation_insert_with_opts(bulk, $0, nil, &error) }
        case .updateOne(let filter, let update, let upsert):
            added = try withUpsert(upsert, filter, update) { filter, update, options in
                mongoc_bulk_operation_update_one_with_opts(bulk, filter, update, options, &error)
            }
        case .updateMany(let filter, let update, let upsert):
            added = try withUpsert(upsert, filter, update) { filter, update, options in
                mongoc_bulk_operation_update_many_with_opts(bulk, filter, update, options, &error)
            }
        case .replaceOne(let filter, let replacement, let upsert):
            added = try withUpsert(upsert, filter, replacement) { filter, replacement, options in
                mongoc_bulk_operation_replace_one_with_opts(bulk, filter, replacement, options, &error)
            }
        case .deleteOne(let filter):
            added = try filter.withBSON { mongoc_bulk_operation_remove_one_with_opts(bulk, $0, nil, &error) }
        case .deleteMany(let filter):
            added = try filter.withBSON { mongoc_bulk_operation_remove_many_with_opts(bulk, $0, nil, &error) }
        }
        // libmongoc validates here, e.g. an update without `$` operators or a replacement with them.
        guard added else { throw MongoError(error) }
    }

    private static func withUpsert(
        _ upsert: Bool, _ filter: BSONDocument, _ document: BSONDocument,
        _ body: (OpaquePointer, OpaquePointer, OpaquePointer) -> Bool
    ) throws -> Bool {
        let options: BSONDocument = ["upsert": .bool(upsert)]
        return try filter.withBSON { filter in
            try document.withBSON { document in
                try options.withBSON { options in body(filter, document, options) }
            }
        }
    }
}
