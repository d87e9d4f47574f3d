import Mongo
import Testing

@Suite("Bulk writes against the local database")
struct BulkWriteTests {
    /// Word counts as the stream processor writes them: one `$inc` upsert per distinct word of a micro-batch.
    static func increments(_ counts: [String: Int]) -> [MongoWriteOperation] {
        counts.sorted { $0.key < $1.key }.map { word, count in
            .updateOne(filter: ["_id": .string(word)], update: ["$inc": ["count": .int64(Int64(count))]], upsert: true)
        }
    }

    @Test(arguments: [true, false])
    func incrementUpsertsAddUpOverTwoBulks(ordered: Bool) async throws {
        try await TestDatabase.withFreshDatabase { database in
            let words = database.collection("wordcount")
            let first = try await words.bulkWrite(
                Self.increments(["good": 2, "bad": 1, "fit": 4]), ordered: ordered)
            #expect(first.upsertedCount == 3)
            #expect(first.matchedCount == 0)

            let second = try await words.bulkWrite(
                Self.increments(["good": 3, "fit": 1, "new": 7]), ordered: ordered)
            #expect(second.upsertedCount == 1)
            #expect(second.matchedCount == 2)
            #expect(second.modifiedCount == 2)

            let counts = try await words.find(sort: ["_id": 1])
            #expect(counts == [
                ["_id": "bad", "count": 1], ["_id": "fit", "count": 5], ["_id": "good", "count": 5],
                ["_id": "new", "count": 7],
            ])
        }
    }

    @Test func mixedOperationsReportEachCount() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let items = database.collection("items")
            try await items.insertMany([["_id": 1, "v": 1], ["_id": 2, "v": 2], ["_id": 3, "v": 3]])
            let result = try await items.bulkWrite([
                .insertOne(["_id": 4, "v": 4]),
                .updateMany(filter: ["v": ["$gte": 3]], update: ["$set": ["big": true]], upsert: false),
                .replaceOne(filter: ["_id": 1], replacement: ["v": 10], upsert: false),
                .deleteOne(filter: ["_id": 2]),
                .deleteMany(filter: ["v": ["$lt": 0]]),
            ])
            #expect(result == MongoBulkWriteResult(
                insertedCount: 1, matchedCount: 3, modifiedCount: 3, deletedCount: 1, upsertedCount: 0))
            #expect(try await items.findOne(["_id": 1]) == ["_id": 1, "v": 10])
            #expect(try await items.countDocuments(["big": true]) == 2)
        }
    }

    @Test func unorderedBulkAttemptsEveryWriteAndReportsTheDuplicate() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let items = database.collection("items")
            try await items.insertOne(["_id": 1])
            await #expect {
                try await items.bulkWrite(
                    [.insertOne(["_id": 1]), .insertOne(["_id": 2]), .insertOne(["_id": 3])], ordered: false)
            } throws: { error in
                (error as? MongoError)?.code == 11000
            }
            #expect(try await items.countDocuments() == 3)
        }
    }

    @Test func anEmptyBulkIsANoOp() async throws {
        let result = try await TestDatabase.client.database("unused").collection("unused").bulkWrite([])
        #expect(result == MongoBulkWriteResult())
    }
}
