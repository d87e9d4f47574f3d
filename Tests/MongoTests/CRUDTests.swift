import Foundation
import Mongo
import Testing

@Suite("CRUD against the local database")
struct CRUDTests {
    struct WordCount: Codable, Equatable {
        var _id: String
        var count: Int
    }

    @Test func insertFindCountUpdateAndDelete() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let words = database.collection("wordcount")
            try await words.insertOne(["_id": "alpha", "count": 5])
            try await words.insertOne(WordCount(_id: "beta", count: 2))
            let inserted = try await words.insertMany(
                [["_id": "gamma", "count": 9], ["_id": "delta", "count": 1], ["_id": "epsilon", "count": 7]])
            #expect(inserted == 3)
            #expect(try await words.countDocuments() == 5)
            #expect(try await words.countDocuments(["count": ["$gte": 5]]) == 3)

            let top = try await words.find([:], sort: ["count": -1], limit: 2)
            #expect(top.map { $0["_id"] } == ["gamma", "epsilon"])
            let page = try await words.find(["count": ["$lt": 100]], sort: ["count": -1], limit: 2, skip: 2)
            #expect(page.map { $0["_id"] } == ["alpha", "beta"])
            let projected = try await words.find(["_id": "alpha"], projection: ["_id": 0, "count": 1])
            #expect(projected == [["count": 5]])
            let typed = try await words.find(sort: ["_id": 1], as: WordCount.self)
            #expect(typed.first == WordCount(_id: "alpha", count: 5))
            #expect(typed.count == 5)

            let update = try await words.updateOne(filter: ["_id": "beta"], update: ["$inc": ["count": 10]])
            #expect(update.matchedCount == 1)
            #expect(update.modifiedCount == 1)
            #expect(try await words.findOne(["_id": "beta"])?["count"]?.intValue == 12)

            let upsert = try await words.updateOne(
                filter: ["_id": "zeta"], update: ["$inc": ["count": 1]], upsert: true)
            #expect(upsert.upsertedCount == 1)
            #expect(try await words.findOne(["_id": "zeta"])?["count"]?.intValue == 1)
            #expect(try await words.findOne(["_id": "nope"]) == nil)

            #expect(try await words.deleteMany(["count": ["$lt": 3]]) == 2)
            #expect(try await words.countDocuments() == 4)
            #expect(try await database.listCollectionNames().contains("wordcount"))
        }
    }

    @Test func insertedDocumentsWithoutIdGetAnObjectId() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let sentiment = database.collection("sentiment")
            try await sentiment.insertOne(["review": "great", "at": .date(Date(timeIntervalSince1970: 1_234.5))])
            let stored = try #require(try await sentiment.findOne(["review": "great"]))
            #expect(stored["_id"]?.objectIdValue?.count == 24)
            #expect(stored["at"]?.dateValue == Date(timeIntervalSince1970: 1_234.5))
        }
    }

    @Test func aDocumentWithEveryTypeReadsBackUnchanged() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let original: BSONDocument = [
                "_id": .objectId("65a1b2c3d4e5f60718293a4b"), "d": 1.25, "s": "ünïcødé 🚀", "b": true, "n": nil,
                "i32": .int32(.max), "i64": .int64(.min), "at": .date(Date(timeIntervalSince1970: 1_700_000_000.999)),
                "list": [1, ["x": [2.5, "y"]]], "doc": ["nested": ["deep": .int32(-1)]],
            ]
            try await database.collection("types").insertOne(original)
            let stored = try await database.collection("types").findOne(["_id": .objectId("65a1b2c3d4e5f60718293a4b")])
            #expect(stored == original)
        }
    }

    @Test func droppingAMissingCollectionIsNotAnError() async throws {
        try await TestDatabase.withFreshDatabase { database in
            try await database.collection("never-created").drop()
            let scratch = database.collection("scratch")
            try await scratch.insertOne(["_id": 1])
            try await scratch.drop()
            #expect(try await scratch.countDocuments() == 0)
        }
    }

    @Test func manyMoreConcurrentOperationsThanPooledClientsAllComplete() async throws {
        let client = try MongoClient(uri: TestDatabase.uri, appName: "mongo-tests-small-pool", maxPoolSize: 2)
        defer { client.shutdown() }
        let database = client.database("mongotest_pool_" + UUID().uuidString.prefix(8).lowercased())
        let collection = database.collection("items")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<24 {
                group.addTask { try await collection.insertOne(["_id": .int64(Int64(index))]) }
            }
            try await group.waitForAll()
        }
        #expect(try await collection.countDocuments() == 24)
        try await database.drop()
    }
}
