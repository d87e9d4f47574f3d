import Foundation
import Mongo
import ReviewContracts
import Testing

@testable import APIServer

@Suite("accuracy history, downsampled")
struct AccuracyHistoryTests {
    @Test func keepsTheFirstPointAndTheLastOfEachSpanUpToTheNewest() {
        let totals = Array(stride(from: 10, through: 10_000, by: 10)), values = totals.map { Double($0) / 10_000 }
        let sampled = AccuracyHistory.downsample(totals: totals, values: values, points: 100)
        #expect(sampled.count <= 100 && sampled.count >= 95)
        #expect(sampled.first?._id == 10 && sampled.last?._id == 10_000)
        #expect(zip(sampled, sampled.dropFirst()).allSatisfy { $0._id < $1._id })
        #expect(sampled.allSatisfy { $0.value == Double($0._id) / 10_000 }, "each point keeps its own value")
        #expect(AccuracyHistory.downsample(totals: [1, 2, 3], values: [0.5, 0.6, 0.7], points: 100).count == 3)
    }

    @Test(.timeLimit(.minutes(1)))
    func followsNewPointsAndAResetAgainstTheRealDatabase() async throws {
        let name = TestStack.unique("history")
        let database = try MongoClient(uri: TestStack.mongoURI).database(name)
        let accuracy = database.collection(ResultCollections.accuracy)
        try await accuracy.insertMany((1...500).map { index -> BSONDocument in
            ["_id": .int64(Int64(index * 7)), "reviews": .int64(Int64(index * 7)), "value": .double(0.8)]
        })
        let history = AccuracyHistory(database: database)
        var sampled = try await history.downsampled(points: 50)
        #expect(sampled.count <= 50 && sampled.first?._id == 7 && sampled.last?._id == 3500)
        try await accuracy.insertOne(["_id": 4000, "reviews": 4000, "value": 0.9])
        sampled = try await history.downsampled(points: 50)
        #expect(sampled.last?._id == 4000 && sampled.last?.value == 0.9)
        try await accuracy.drop()
        try await accuracy.insertOne(["_id": 20, "reviews": 20, "value": 0.5])
        sampled = try await history.downsampled(points: 50)
        #expect(sampled.map(\._id) == [20], "a reset starts the history again")
        try await database.drop()
    }
}
