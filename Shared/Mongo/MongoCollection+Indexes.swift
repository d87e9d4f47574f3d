import CMongoc

extension MongoCollection {
    /// Creates `indexes` with the `createIndexes` command (libmongoc 1.23 has no index-model helper).
    /// Creating an index that already exists with the same options is a no-op.
    public func createIndexes(_ indexes: [MongoIndex]) async throws {
        guard !indexes.isEmpty else { return }
        _ = try await database.runCommand([
            "createIndexes": .string(name),
            "indexes": .array(indexes.map { .document($0.specification) }),
            "writeConcern": ["w": "majority"],
        ])
    }

    /// The collection's index descriptions (`key`, `name`, `unique`, ...), from the `listIndexes` command.
    public func listIndexes() async throws -> [BSONDocument] {
        let reply = try await database.runCommand(["listIndexes": .string(name)])
        // One batch holds every index in practice; the cursor would only matter for thousands of indexes.
        let batch = reply["cursor"]?.documentValue?["firstBatch"]?.arrayValue ?? []
        return batch.compactMap(\.documentValue)
    }

    /// Drops the collection and its indexes; dropping a collection that does not exist is not an error.
    public func drop() async throws {
        do {
            try await withCollection(session: nil) { connection, collection in
                try connection.withOptions([:]) { options in
                    var error = bson_error_t()
                    guard mongoc_collection_drop_with_opts(collection, options, &error) else {
                        throw MongoError(error)
                    }
                }
            }
        } catch let error as MongoError {
            // 26 NamespaceNotFound; older servers only say "ns not found".
            if error.code == 26 || "\(error)".contains("ns not found") { return }
            throw error
        }
    }
}
