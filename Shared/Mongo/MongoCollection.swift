import CMongoc

/// A collection of a `MongoDatabase`. A cheap value: creating one makes no round trip.
///
/// Every operation takes an optional `session`; pass the one given to `MongoDatabase.withTransaction` to run the
/// operation inside that transaction. Writes outside a transaction use write concern `majority` by default.
public struct MongoCollection: Sendable {
    /// The collection name.
    public let name: String
    /// The database the collection belongs to.
    public let database: MongoDatabase

    init(database: MongoDatabase, name: String) {
        self.database = database
        self.name = name
    }

    var client: MongoClient { database.client }

    /// Runs `body` with this collection's libmongoc handle on an executor thread.
    func withCollection<T: Sendable>(
        session: MongoSession?, _ body: @escaping (MongocConnection, OpaquePointer) throws -> T
    ) async throws -> T {
        let databaseName = database.name
        let name = self.name
        return try await client.withConnection(session: session) { connection in
            try connection.withCollection(databaseName, name) { collection in
                try body(connection, collection)
            }
        }
    }

    /// Documents matching `filter`, read fully into memory.
    /// - Parameters:
    ///   - sort: e.g. `["count": -1]`.
    ///   - projection: e.g. `["_id": 0, "count": 1]`.
    public func find(
        _ filter: BSONDocument = [:], sort: BSONDocument? = nil, limit: Int? = nil, skip: Int? = nil,
        projection: BSONDocument? = nil, session: MongoSession? = nil
    ) async throws -> [BSONDocument] {
        var options = BSONDocument()
        if let sort { options["sort"] = .document(sort) }
        if let limit { options["limit"] = .int64(Int64(limit)) }
        if let skip { options["skip"] = .int64(Int64(skip)) }
        if let projection { options["projection"] = .document(projection) }
        return try await withCollection(session: session) { connection, collection in
            try filter.withBSON { filter in
                try connection.withOptions(options) { options in
                    guard let cursor = mongoc_collection_find_with_opts(collection, filter, options, nil) else {
                        throw MongoError.user(message: "libmongoc could not create a find cursor")
                    }
                    return try MongocConnection.drain(cursor)
                }
            }
        }
    }

    /// Documents matching `filter`, decoded as `T` with `BSONDecoder`.
    public func find<T: Decodable>(
        _ filter: BSONDocument = [:], sort: BSONDocument? = nil, limit: Int? = nil, skip: Int? = nil,
        projection: BSONDocument? = nil, session: MongoSession? = nil, as type: T.Type
    ) async throws -> [T] {
        let documents = try await find(
            filter, sort: sort, limit: limit, skip: skip, projection: projection, session: session)
        let decoder = BSONDecoder()
        return try documents.map { try decoder.decode(T.self, from: $0) }
    }

    /// The first document matching `filter`, or `nil`.
    public func findOne(_ filter: BSONDocument, session: MongoSession? = nil) async throws -> BSONDocument? {
        try await find(filter, limit: 1, session: session).first
    }

    /// The number of documents matching `filter` (an aggregation on the server, exact inside transactions).
    public func countDocuments(_ filter: BSONDocument = [:], session: MongoSession? = nil) async throws -> Int {
        try await withCollection(session: session) { connection, collection in
            try filter.withBSON { filter in
                try connection.withOptions([:]) { options in
                    try connection.withReply { reply in
                        var error = bson_error_t()
                        let count = mongoc_collection_count_documents(collection, filter, options, nil, reply, &error)
                        guard count >= 0 else { throw MongoError(error, reply: reply) }
                        return Int(count)
                    }
                }
            }
        }
    }

    /// Runs an aggregation pipeline and returns every result document.
    public func aggregate(_ pipeline: [BSONDocument], session: MongoSession? = nil) async throws -> [BSONDocument] {
        let command: BSONDocument = ["pipeline": .array(pipeline.map { .document($0) })]
        return try await withCollection(session: session) { connection, collection in
            try command.withBSON { pipeline in
                try connection.withOptions([:]) { options in
                    guard let cursor = mongoc_collection_aggregate(collection, MONGOC_QUERY_NONE, pipeline, options, nil)
                    else { throw MongoError.user(message: "libmongoc could not create an aggregate cursor") }
                    return try MongocConnection.drain(cursor)
                }
            }
        }
    }

    /// A change stream on this collection, opened right away on a dedicated thread that holds one pooled client
    /// until the stream is closed. Each element is a change event (`operationType`, `documentKey`,
    /// `fullDocument`, ...). Await `waitUntilOpen()` before writing if the writes must be seen.
    public func watch(pipeline: [BSONDocument] = [], fullDocument: MongoFullDocument = .updateLookup)
        -> MongoChangeStream
    {
        MongoChangeStream(
            client: client, target: .collection(database: database.name, name: name), pipeline: pipeline,
            fullDocument: fullDocument)
    }
}
