/// An index to create with `MongoCollection.createIndexes`.
public struct MongoIndex: Sendable, Hashable {
    /// The key specification in order, e.g. `["count": -1, "_id": 1]`.
    public let keys: BSONDocument
    /// The index name; defaults to MongoDB's convention, e.g. `count_-1__id_1`.
    public let name: String
    public let unique: Bool
    /// Makes a TTL index: documents expire this many seconds after the date in the (single) indexed field.
    public let expireAfterSeconds: Int?

    public init(keys: BSONDocument, name: String? = nil, unique: Bool = false, expireAfterSeconds: Int? = nil) {
        self.keys = keys
        self.name = name ?? MongoIndex.defaultName(for: keys)
        self.unique = unique
        self.expireAfterSeconds = expireAfterSeconds
    }

    /// The index's entry in a `createIndexes` command.
    var specification: BSONDocument {
        var specification: BSONDocument = ["key": .document(keys), "name": .string(name)]
        if unique { specification["unique"] = true }
        if let expireAfterSeconds { specification["expireAfterSeconds"] = .int64(Int64(expireAfterSeconds)) }
        return specification
    }

    private static func defaultName(for keys: BSONDocument) -> String {
        keys.map { key, value in
            let direction = value.intValue.map(String.init) ?? value.stringValue ?? value.extendedJSON()
            return "\(key)_\(direction)"
        }.joined(separator: "_")
    }
}
