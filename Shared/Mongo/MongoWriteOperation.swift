/// One write of a `MongoCollection.bulkWrite`.
public enum MongoWriteOperation: Sendable {
    case insertOne(BSONDocument)
    case updateOne(filter: BSONDocument, update: BSONDocument, upsert: Bool)
    case updateMany(filter: BSONDocument, update: BSONDocument, upsert: Bool)
    case replaceOne(filter: BSONDocument, replacement: BSONDocument, upsert: Bool)
    case deleteOne(filter: BSONDocument)
    case deleteMany(filter: BSONDocument)
}
