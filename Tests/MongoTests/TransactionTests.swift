import Foundation
import Mongo
import Testing

@Suite("Transactions against the local database")
struct TransactionTests {
    struct Rollback: Error, Equatable {}

    @Test func aCommittedTransactionMakesBothWritesVisible() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let sentiment = database.collection("sentiment")
            let accuracy = database.collection("accuracy")
            let total = try await database.withTransaction { session in
                try await sentiment.insertOne(["_id": "r1", "result": "pos"], session: session)
                try await accuracy.bulkWrite(
                    [.updateOne(filter: ["_id": 1], update: ["$set": ["value": 1.0]], upsert: true)],
                    session: session)
                return try await sentiment.countDocuments(session: session)
            }
            #expect(total == 1)
            #expect(try await sentiment.findOne(["_id": "r1"])?["result"] == "pos")
            #expect(try await accuracy.findOne(["_id": 1])?["value"] == 1.0)
        }
    }

    @Test func throwingFromTheBodyAbortsAndRethrows() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let sentiment = database.collection("sentiment")
            let offsets = database.collection("offsets")
            try await sentiment.insertOne(["_id": "existing"])
            await #expect(throws: Rollback.self) {
                try await database.withTransaction { session in
                    try await sentiment.insertOne(["_id": "r2"], session: session)
                    try await offsets.updateOne(
                        filter: ["_id": "reviews/0"], update: ["$set": ["next": 10]], upsert: true, session: session)
                    #expect(try await sentiment.countDocuments(session: session) == 2, "visible inside")
                    throw Rollback()
                }
            }
            #expect(try await sentiment.find() == [["_id": "existing"]])
            #expect(try await offsets.countDocuments() == 0)
        }
    }

    @Test func aCommandRunWithTheSessionBelongsToTheTransaction() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let findAndModify: BSONDocument = [
                "findAndModify": "totals", "query": ["_id": "all"], "update": ["$inc": ["count": 5]],
                "new": true, "upsert": true,
            ]
            await #expect(throws: Rollback.self) {
                try await database.withTransaction { session in
                    let reply = try await database.runCommand(findAndModify, session: session)
                    #expect(reply["value"]?.documentValue?["count"]?.intValue == 5)
                    throw Rollback()
                }
            }
            #expect(try await database.collection("totals").countDocuments() == 0)

            let count = try await database.withTransaction { session in
                try await database.runCommand(findAndModify, session: session)["value"]?.documentValue?["count"]
            }
            #expect(count?.intValue == 5)
            #expect(try await database.collection("totals").findOne(["_id": "all"])?["count"]?.intValue == 5)
        }
    }

    @Test func conflictingTransactionsAreRetriedAndBothCommit() async throws {
        try await TestDatabase.withFreshDatabase { database in
            let counters = database.collection("counters")
            try await counters.insertOne(["_id": "hits", "n": 0])
            let probe = ConflictProbe()

            // The second transaction reads first, which fixes its snapshot; the first then changes the document and
            // commits; the second's write meets a change newer than its snapshot, a WriteConflict (a transient
            // transaction error), and `withTransaction` runs it again. No step depends on timing: each waits for the
            // other's signal (the timeouts only bound a broken run).
            async let second: Void = database.withTransaction { session in
                await probe.attempt(.second)
                _ = try await counters.findOne(["_id": "hits"], session: session)
                await probe.wrote(.second)
                await probe.waitUntil(timeout: 60) { $0.wrote.contains(.first) }
                do {
                    try await counters.updateOne(filter: ["_id": "hits"], update: ["$inc": ["n": 1]], session: session)
                } catch {
                    await probe.secondFailed(error)
                    throw error
                }
            }
            async let first: Void = {
                await probe.waitUntil(timeout: 60) { $0.wrote.contains(.second) }
                try await database.withTransaction { session in
                    await probe.attempt(.first)
                    try await counters.updateOne(filter: ["_id": "hits"], update: ["$inc": ["n": 1]], session: session)
                }
                await probe.wrote(.first)
            }()
            _ = try await (first, second)

            let snapshot = await probe.snapshot
            // The loser sees WriteConflict (112) at its write, or NoSuchTransaction (251) when the server has already
            // aborted it for the winner's commit; both are transient transaction errors.
            #expect(snapshot.conflictCodes.contains { [112, 251].contains($0) }, "the second writer saw a conflict: \(snapshot.conflictCodes)")
            #expect(snapshot.attempts[.second, default: 0] >= 2, "and its transaction was retried")
            #expect(try await counters.findOne(["_id": "hits"])?["n"]?.intValue == 2)
        }
    }
}

/// Shared state of the two conflicting transactions.
actor ConflictProbe {
    enum Writer: Hashable { case first, second }

    struct Snapshot {
        var attempts: [Writer: Int] = [:]
        /// The second has read (its snapshot is fixed); the first has committed.
        var wrote: Set<Writer> = []
        var failedSecond = false
        var conflictCodes: [Int] = []
    }

    private(set) var snapshot = Snapshot()

    func attempt(_ writer: Writer) { snapshot.attempts[writer, default: 0] += 1 }
    func wrote(_ writer: Writer) { snapshot.wrote.insert(writer) }

    func secondFailed(_ error: Error) {
        snapshot.failedSecond = true
        if let code = (error as? MongoError)?.code { snapshot.conflictCodes.append(code) }
    }

    func waitUntil(timeout: TimeInterval, _ condition: (Snapshot) -> Bool) async {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while !condition(snapshot) && Date() < deadline {
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
    }
}
