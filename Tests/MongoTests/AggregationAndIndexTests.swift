import Mongo
import Testing

@Suite("Aggregation and indexes against the local database")
struct AggregationAndIndexTests {
    @Test func groupSortAndLimitComputeTopItems() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let reviews = database.collection("sentiment")
            let rows: [(String, Int)] = [("a", 5), ("a", 4), ("b", 1), ("b", 2), ("b", 5), ("c", 3), ("d", 5)]
            try await reviews.insertMany(rows.map { ["itemId": .string($0.0), "overall": .int64(Int64($0.1))] })
            let top = try await reviews.aggregate([
                ["$match": ["overall": ["$gte": 2]]],
                ["$group": ["_id": "$itemId", "reviews": ["$sum": 1], "average": ["$avg": "$overall"]]],
                ["$sort": ["reviews": -1, "_id": 1]],
                ["$limit": 2],
            ])
            #expect(top.map { $0["_id"] } == ["a", "b"])
            #expect(top.first?["reviews"]?.intValue == 2)
            #expect(top.first?["average"]?.doubleValue == 4.5)
            #expect(top.last?["average"]?.doubleValue == 3.5)
        }
    }

    @Test func aUniqueIndexRejectsADuplicateWithCode11000() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let users = database.collection("users")
            try await users.createIndexes([
                MongoIndex(keys: ["email": 1], unique: true),
                MongoIndex(keys: ["createdAt": 1], name: "expiry", expireAfterSeconds: 3600),
            ])
            let names = try await users.listIndexes().compactMap { $0["name"]?.stringValue }
            #expect(Set(names).isSuperset(of: ["email_1", "expiry"]))

            try await users.insertOne(["email": "a@example.com"])
            await #expect {
                try await users.insertOne(["email": "a@example.com"])
            } throws: { error in
                guard case .server(let code, _, _) = error as? MongoError else { return false }
                return code == 11000
            }
            #expect(try await users.countDocuments() == 1)
        }
    }
}
