import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Kafka
import Mongo
import ReviewContracts
import Testing

/// What the processor does when the broker's log, the database or its own start go wrong: it never skips a review
/// silently, counts a review id once, dead-letters what the database refuses, and exits when it cannot run whole.
@Suite("faults")
struct FaultToleranceTests {
    static func review(_ id: String, _ text: String = "soft fabric and a lovely fit", score: Double = 5) -> [UInt8] {
        ReviewMessage(id: id, reviewText: text, overall: score).encoded()
    }

    /// Sends messages to partition 0, in order.
    static func produce(_ harness: ProcessorHarness, _ messages: [(key: String, value: [UInt8])]) async throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: [ProcessorHarness.kafkaBrokers]), logger: ProcessorHarness.logger)
        for message in messages {
            _ = try await producer.send(KafkaProducerMessage(topic: harness.topic, key: Array(message.key.utf8), value: message.value, partition: 0))
        }
        await producer.shutdown()
    }

    static func storedPosition(_ harness: ProcessorHarness, partition: Int, next: Int64, lastKey: String) async throws {
        try await harness.results().collection(ResultCollections.offsets).insertOne([
            "_id": .string("\(harness.topic)/\(partition)"), "topic": .string(harness.topic), "partition": .int64(Int64(partition)),
            "next": .int64(next), "lastKey": .string(lastKey),
        ])
    }

    @Test(.timeLimit(.minutes(3)))
    func aStoredPositionBeyondTheLogsEndIsReportedAndTheReviewsWrittenSinceAreCounted() async throws {
        let harness = ProcessorHarness()
        defer { harness.stopAll() }
        try await harness.createTopics()
        // The results counted 50 messages of partition 0 that the broker no longer has; it wrote 6 new ones since.
        try await Self.storedPosition(harness, partition: 0, next: 50, lastKey: "lost-49")
        try await Self.produce(harness, (0..<6).map { ("new-\($0)", Self.review("new-\($0)")) })
        let port = try harness.start(0)
        let totals = try await harness.waitForTotals(reviews: 6, timeout: .seconds(60))
        #expect(totals?["count"]?.intValue == 6)
        #expect(try await ProcessorHarness.metric("stream_log_truncations_total", port: port) == 1)
        let stored = try await harness.results().collection(ResultCollections.offsets).findOne(["_id": .string("\(harness.topic)/0")])
        #expect(stored?["next"]?.intValue == 6)
        #expect(stored?["lastKey"]?.stringValue == "new-5")
        harness.stopAll()
        await harness.drop()
    }

    @Test(.timeLimit(.minutes(3)))
    func offsetsReusedByABrokerThatLostItsTailAreFoundByTheStoredKeyAndNothingIsCountedTwice() async throws {
        let harness = ProcessorHarness()
        defer { harness.stopAll() }
        try await harness.createTopics()
        // The results counted old-0…old-6 (offsets 0–6). The broker kept old-0…old-4, lost old-5 and old-6, and wrote
        // five new reviews at offsets 5–9. Reading on from offset 7 would skip new-5 and new-6 without a word.
        let results = try harness.results()
        try await results.collection(ResultCollections.sentiment).insertMany((0..<7).map { ["_id": .string("old-\($0)")] })
        try await results.collection(ResultCollections.totals).insertOne(["_id": .string(ResultCollections.totalsID), "count": 7, "correct": 7])
        try await Self.storedPosition(harness, partition: 0, next: 7, lastKey: "old-6")
        try await Self.produce(harness, (0..<5).map { ("old-\($0)", Self.review("old-\($0)")) } + (5..<10).map { ("new-\($0)", Self.review("new-\($0)")) })
        let port = try harness.start(0)
        let totals = try await harness.waitForTotals(reviews: 12, timeout: .seconds(60))
        #expect(totals?["count"]?.intValue == 12)
        let counted = try await results.collection(ResultCollections.sentiment).find([:], projection: ["_id": 1]).compactMap { $0["_id"]?.stringValue }
        #expect(Set(counted) == Set((0..<7).map { "old-\($0)" } + (5..<10).map { "new-\($0)" }))
        #expect(try await ProcessorHarness.metric("stream_log_truncations_total", port: port) == 1)
        #expect(try await ProcessorHarness.metric("stream_reviews_duplicate_total", port: port) == 5)
        harness.stopAll()
        await harness.drop()
    }

    @Test(.timeLimit(.minutes(3)))
    func aReviewIdWrittenTwiceAtDifferentOffsetsIsCountedOnce() async throws {
        let harness = ProcessorHarness()
        defer { harness.stopAll() }
        try await harness.createTopics()
        let port = try harness.start(0)
        // The first ten are re-sent twice: once in the same batch, once after they were counted.
        try await harness.produce((0..<30).map { ("r\($0)", Self.review("r\($0)")) } + (0..<10).map { ("r\($0)", Self.review("r\($0)")) })
        _ = try await harness.waitForTotals(reviews: 30, timeout: .seconds(60))
        try await harness.produce((0..<10).map { ("r\($0)", Self.review("r\($0)")) })
        var duplicates: Double?
        let deadline = ContinuousClock.now + .seconds(30)
        while duplicates ?? 0 < 20, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(300))
            duplicates = try await ProcessorHarness.metric("stream_reviews_duplicate_total", port: port)
        }
        #expect(duplicates == 20)
        let totals = try await harness.waitForTotals(reviews: 30, timeout: .seconds(10))
        #expect(totals?["count"]?.intValue == 30)
        #expect(try await harness.results().collection(ResultCollections.sentiment).find([:]).count == 30)
        harness.stopAll()
        await harness.drop()
    }

    @Test(.timeLimit(.minutes(3)))
    func aReviewTheDatabaseRefusesGoesToTheDeadLetterTopicAndTheRestOfItsBatchIsWritten() async throws {
        let harness = ProcessorHarness()
        defer { harness.stopAll() }
        try await harness.createTopics()
        // A document validator stands for any write the database refuses for one review and not the others.
        try await harness.results().runCommand([
            "create": .string(ResultCollections.sentiment),
            "validator": ["review": ["$not": ["$regex": "POISON-PILL"]]],
        ])
        var messages = (0..<20).map { ("ok-\($0)", Self.review("ok-\($0)")) }
        messages.insert(("bad", Self.review("bad", "this POISON-PILL review cannot be stored")), at: 7)
        try await Self.produce(harness, messages)
        let port = try harness.start(0, environment: ["MAX_WRITE_ATTEMPTS": "2"])
        let totals = try await harness.waitForTotals(reviews: 20, deadLettered: 1, timeout: .seconds(90))
        #expect(totals?["count"]?.intValue == 20)
        #expect(totals?["deadLettered"]?.intValue == 1)
        #expect(try await ProcessorHarness.metric("stream_stuck_batches_total", port: port) ?? 0 >= 1)
        #expect(try await ProcessorHarness.metric("stream_reviews_unwritable_total", port: port) == 1)

        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(bootstrapServers: [ProcessorHarness.kafkaBrokers], groupID: ProcessorHarness.unique("dlq")),
            topics: [harness.deadLetterTopic], logger: ProcessorHarness.logger
        )
        var letters: [KafkaConsumerMessage] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while letters.isEmpty, ContinuousClock.now < deadline {
            letters += try await consumer.poll(maxMessages: 10, timeout: .milliseconds(500))
        }
        await consumer.close()
        #expect(letters.count == 1)
        #expect(letters.first.map { String(decoding: $0.value, as: UTF8.self).contains("POISON-PILL") } == true)
        #expect(letters.first?.headerString("dlq.reason") == "unwritable")
        #expect(letters.first?.headerString("dlq.source.offset") == "7")
        // Healthy again once the batch is through.
        let (_, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/ready")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        harness.stopAll()
        await harness.drop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aProcessorThatCannotBindItsPortExitsNonZero() async throws {
        let harness = ProcessorHarness()
        defer { harness.stopAll() }
        try await harness.createTopics()
        let port = try harness.start(0)
        // The first one holds the port once it answers.
        let started = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < started {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/health")!),
               (response as? HTTPURLResponse)?.statusCode == 200 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        try harness.start(1, port: port)
        let second = try #require(harness.process(1))
        let deadline = ContinuousClock.now + .seconds(60)
        while second.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(200)) }
        try #require(!second.isRunning, "the processor that could not bind its port is still running")
        #expect(second.terminationStatus != 0)
        harness.stopAll()
        await harness.drop()
    }

    @Test(.timeLimit(.minutes(3)))
    func commitsTheDatabaseLostAreWrittenAgainFromTheStoredPosition() async throws {
        let harness = ProcessorHarness()
        defer { harness.stopAll() }
        try await harness.createTopics()
        let port = try harness.start(0)
        try await Self.produce(harness, (0..<10).map { ("r\($0)", Self.review("r\($0)")) })
        _ = try await harness.waitForTotals(reviews: 10, timeout: .seconds(60))
        // The database comes back from a crash without the commits of r5…r9, which it had acknowledged (the local
        // database does this on kill -9); the running processor believes them written.
        let results = try harness.results()
        try await results.collection(ResultCollections.offsets).updateOne(
            filter: ["_id": .string("\(harness.topic)/0")], update: ["$set": ["next": 5], "$unset": ["lastKey": ""]]
        )
        _ = try await results.collection(ResultCollections.sentiment).deleteMany(["_id": ["$in": .array((5..<10).map { .string("r\($0)") })]])
        try await results.collection(ResultCollections.totals).updateOne(filter: ["_id": .string(ResultCollections.totalsID)], update: ["$inc": ["count": -5]])
        try await Self.produce(harness, (10..<15).map { ("r\($0)", Self.review("r\($0)")) })
        let totals = try await harness.waitForTotals(reviews: 15, timeout: .seconds(60))
        #expect(totals?["count"]?.intValue == 15)
        #expect(try await results.collection(ResultCollections.sentiment).find([:]).count == 15)
        #expect(try await ProcessorHarness.metric("stream_position_gaps_total", port: port) ?? 0 >= 1)
        harness.stopAll()
        await harness.drop()
    }

    @Test(.timeLimit(.minutes(2)))
    func aStartingProcessorLeavesOtherClientsTransactionsAlone() async throws {
        let harness = ProcessorHarness()
        defer { harness.stopAll() }
        try await harness.createTopics()
        let database = try harness.results()
        let attempts = AttemptCounter()
        // Another client's transaction is open while the processor starts; it must commit at its first attempt.
        try await database.withTransaction { session in
            attempts.increment()
            try await database.collection("bystander").insertOne(["_id": .string("open-while-a-processor-starts")], session: session)
            if attempts.value == 1 {
                let port = try harness.start(0)
                let deadline = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < deadline {
                    if let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/ready")!),
                       (response as? HTTPURLResponse)?.statusCode == 200 { break }
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
        }
        #expect(attempts.value == 1)
        #expect(try await database.collection("bystander").find([:]).count == 1)
        harness.stopAll()
        await harness.drop()
    }
}

/// Counts a transaction body's runs (the runner retries it after a transient error such as an aborted transaction).
/// Unchecked Sendable: the count is behind `lock`.
final class AttemptCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
