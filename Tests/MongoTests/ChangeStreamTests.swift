import Foundation
import Mongo
import Testing

@Suite("Change streams against the local database")
struct ChangeStreamTests {
    /// The first `count` events of `stream`, or fewer if `timeout` passes first.
    static func events(from stream: MongoChangeStream, count: Int, timeout: TimeInterval) async throws
        -> [BSONDocument]
    {
        let timer = Task {
            try await Task.sleep(nanoseconds: UInt64(timeout * 1_000_000_000))
            stream.close()
        }
        defer { timer.cancel() }
        var events: [BSONDocument] = []
        for try await event in stream {
            events.append(event)
            if events.count == count { break }
        }
        return events
    }

    @Test func aCollectionStreamSeesAnInsertAndAnIncrementWithTheFullDocument() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let words = database.collection("wordcount")
            try await words.insertOne(["_id": "seed", "count": 0])
            let stream = words.watch()
            try await stream.waitUntilOpen()
            try await words.insertOne(["_id": "good", "count": 1])
            try await words.updateOne(filter: ["_id": "good"], update: ["$inc": ["count": 2]])

            let events = try await Self.events(from: stream, count: 2, timeout: 10)
            stream.close()
            try #require(events.count == 2)
            #expect(events[0]["operationType"] == "insert")
            #expect(events[0]["documentKey"] == ["_id": "good"])
            #expect(events[0]["fullDocument"] == ["_id": "good", "count": 1])
            #expect(events[1]["operationType"] == "update")
            #expect(events[1]["fullDocument"] == ["_id": "good", "count": 3])
            #expect(events[1]["updateDescription"]?.documentValue?["updatedFields"] == ["count": 3])
        }
    }

    @Test func aDatabaseStreamFiltersWithAPipeline() async throws {
        try await TestDatabase.withFreshDatabase { database in
            try await database.collection("accuracy").insertOne(["_id": 0])
            let stream = database.watch(pipeline: [["$match": ["ns.coll": "accuracy"]]], fullDocument: .default)
            try await stream.waitUntilOpen()
            try await database.collection("other").insertOne(["_id": "ignored"])
            try await database.collection("accuracy").insertOne(["_id": 100, "value": 0.8])

            let events = try await Self.events(from: stream, count: 1, timeout: 10)
            // secantusdb reports numeric `_id`s in change events as doubles (find returns them as stored), so
            // compare through `intValue`, which accepts integral doubles.
            #expect(events.first?["documentKey"]?.documentValue?["_id"]?.intValue == 100)
            #expect(events.first?["fullDocument"]?.documentValue?["value"] == 0.8)
            #expect(events.first?["ns"]?.documentValue?["coll"] == "accuracy")
        }
    }

    @Test func closingEndsAWaitingIteration() async throws {
        try await TestDatabase.withFreshDatabase { database in
            try await database.collection("quiet").insertOne(["_id": 1])
            let stream = database.collection("quiet").watch()
            try await stream.waitUntilOpen()
            let started = Date()
            Task {
                try await Task.sleep(nanoseconds: 300_000_000)
                stream.close()
            }
            var received = 0
            for try await _ in stream { received += 1 }
            #expect(received == 0)
            #expect(Date().timeIntervalSince(started) < 10, "close() must end the wait, not the stream running dry")
        }
    }

    @Test func cancellingTheIteratingTaskEndsTheStream() async throws {
        try await TestDatabase.withFreshDatabase { database in
            try await database.collection("quiet").insertOne(["_id": 1])
            let stream = database.collection("quiet").watch()
            try await stream.waitUntilOpen()
            let reader = Task { () -> Int in
                var received = 0
                for try await _ in stream { received += 1 }
                return received
            }
            try await Task.sleep(nanoseconds: 200_000_000)
            reader.cancel()
            #expect(try await reader.value == 0)
        }
    }
}
