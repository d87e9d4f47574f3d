import Foundation
import Kafka
import Mongo
import ReviewContracts
import StreamCore

/// Writes a batch's results and the offsets they cover in one MongoDB transaction.
///
/// The stored offsets are the source of truth: inside the transaction the store reads them, drops every message
/// below them (already counted before a crash or by another group member before a rebalance), and writes the rest
/// with the new offsets. Two members writing the same partition conflict on its offsets document, and the loser's
/// retry sees the winner's offsets, so each review is counted exactly once.
struct ResultStore: Sendable {
    let database: MongoDatabase
    /// This processor instance (group and assignment), naming its sessions in `processor_sessions`.
    var instance = "stream-processor"
    /// Sessions already noted in `processor_sessions`.
    private let sessionIDs = SessionIDs()
    /// Words known to be stored in `wordcount` (read at start, then each committed batch's), so their increments can
    /// be grouped (``WordCountWrite``).
    let knownWords = KnownWords()

    /// What one write did.
    struct Outcome: Sendable {
        var counted = 0
        var correct = 0
        var deadLettered = 0
        var skipped = 0
        /// Reviews left out because their id was already counted.
        var duplicates = 0
        /// Nothing was written: the batch starts after a partition's stored position (``PositionGap``).
        var gap: PositionGap?
        /// Global totals after the write (nil when nothing new was written).
        var totalReviews: Int?
        var totalCorrect: Int?
        /// Offsets now stored for the partitions written.
        var nextOffsets: [KafkaTopicPartition: Int64] = [:]
        var roundTrips = 0
        /// `wordcount` statements sent for the batch's word increments (grouped ones name several words).
        var wordStatements = 0
        /// The words the batch stored.
        var words: [String] = []
        /// How long each database step took, in order (for the debug log: where a slow batch spends its time).
        var steps: [(String, Duration)] = []
        private var lastMark = ContinuousClock.now

        /// Records the time since the previous step as `step`'s.
        mutating func lap(_ step: String) {
            let now = ContinuousClock.now
            steps.append((step, now - lastMark))
            lastMark = now
        }

        /// Adds the outcome of a later write (the second half of a split batch).
        mutating func absorb(_ later: Outcome) {
            counted += later.counted
            correct += later.correct
            deadLettered += later.deadLettered
            skipped += later.skipped
            duplicates += later.duplicates
            totalReviews = later.totalReviews ?? totalReviews
            totalCorrect = later.totalCorrect ?? totalCorrect
            nextOffsets.merge(later.nextOffsets, uniquingKeysWith: max)
            roundTrips += later.roundTrips
            wordStatements += later.wordStatements
            words += later.words
            steps += later.steps
        }

        var stepSummary: String {
            steps.map { "\($0.0)=\(Int(($0.1 / .milliseconds(1)).rounded()))ms" }.joined(separator: " ")
        }
    }

    /// Indexes the readers need; safe to call on every start.
    func prepare() async throws {
        try await database.collection(ResultCollections.sentiment).createIndexes([
            MongoIndex(keys: ["seq": -1], name: "seq_desc"),
            MongoIndex(keys: ["processedAt": -1], name: "processedAt_desc"),
        ])
        try await database.collection(ResultCollections.accuracy).createIndexes([
            MongoIndex(keys: ["reviews": -1], name: "reviews_desc"),
        ])
        // Earlier versions indexed word counts by count for the readers' top-words sort. The readers now keep the
        // counts in memory, and on the local database the index made every batch's `$inc` upserts 2–3× slower.
        _ = try? await database.runCommand(["dropIndexes": .string(ResultCollections.wordCount), "index": "count_desc"])
        // Words already stored are written grouped from the first batch on; a restarted processor would otherwise
        // upsert every word one by one until it had seen each committed again (its first minutes ran slow).
        let stored = try await database.collection(ResultCollections.wordCount).find([:], projection: ["_id": 1])
        knownWords.insert(stored.lazy.compactMap { $0["_id"]?.stringValue })
    }

    /// Stored next offsets for every partition of `topic`.
    func storedOffsets(topic: String, session: MongoSession? = nil) async throws -> [KafkaTopicPartition: Int64] {
        let documents = try await database.collection(ResultCollections.offsets).find(StoredPositionWrite.filter(topic: topic), session: session)
        return Self.offsets(from: documents)
    }

    func write(_ batch: MicroBatch) async throws -> Outcome {
        var groupWords = true, duplicateRetries = 0
        while true {
            do {
                var outcome = try await write(batch, groupWords: groupWords)
                outcome.lap("commit")
                knownWords.insert(outcome.words)
                return outcome
            } catch let error as MongoError where error.isDuplicateKey && duplicateRetries < 3 {
                // Another writer stored one of these review ids between our read and our insert; the next attempt's
                // read sees it and leaves it out.
                duplicateRetries += 1
            } catch is StoredWordsMissing where groupWords {
                // Words this process saw committed are gone (the database was reset): write every word as an upsert.
                knownWords.forget()
                groupWords = false
            }
        }
    }

    /// Stored positions of every partition of `topic`.
    func storedPositions(topic: String) async throws -> [KafkaTopicPartition: StoredPosition] {
        let documents = try await database.collection(ResultCollections.offsets).find(StoredPositionWrite.filter(topic: topic), as: StoredPosition.self)
        return Dictionary(documents.map { (KafkaTopicPartition(topic: $0.topic, partition: Int32($0.partition)), $0) }) { first, _ in first }
    }

    /// Moves a partition's stored position to `offset`: back, for a log that lost its tail (read again from there; the
    /// review-id check keeps what was counted from being counted twice), or forward past messages retention removed
    /// before they were read. Forgets the last key, which no longer describes the message before `offset`.
    func moveStoredPosition(_ partition: KafkaTopicPartition, to offset: Int64) async throws {
        _ = try await database.collection(ResultCollections.offsets).bulkWrite(
            [StoredPositionWrite.operation(partition, next: offset, lastKey: nil, at: Date())]
        )
    }

    /// Ends the database sessions an earlier run of this instance left (a transaction open at a `kill -9` holds its
    /// locks until the server's 60 s transaction lifetime ends it) — only those: other clients keep theirs.
    func endEarlierSessions() async throws -> Int {
        let collection = database.collection(ResultCollections.processorSessions)
        let earlier = try await collection.find(["_id": .string(instance)], as: ProcessorSessions.self).first?.sessions ?? []
        try await database.killSessions(earlier)
        try await collection.deleteMany(["_id": .string(instance)])
        return earlier.count
    }

    /// Notes the session a transaction runs on, once per session, outside the transaction (it must survive a crash
    /// that aborts the transaction).
    private func record(_ session: MongoSession) async throws {
        guard let id = session.id, sessionIDs.insert(id) else { return }
        try await database.collection(ResultCollections.processorSessions).updateOne(
            filter: ["_id": .string(instance)],
            update: [
                "$addToSet": [ProcessorSessions.CodingKeys.sessions.stringValue: .string(id)],
                "$set": [ProcessorSessions.CodingKeys.updatedAt.stringValue: .date(Date())],
            ],
            upsert: true
        )
    }

    /// The batch starts after the stored position of a partition: messages between were never written. The database
    /// lost commits it had acknowledged (the local database does on `kill -9`), while the consumer read on from where
    /// this process believed they were. The caller reads the partition again from the stored position.
    struct PositionGap: Error, CustomStringConvertible {
        let partition: KafkaTopicPartition
        let stored: Int64
        let first: Int64
        var description: String { "the stored position of \(partition.topic)/\(partition.partition) is \(stored), but the batch starts at \(first)" }
    }

    /// A grouped word-count statement matched fewer stored words than it named; the transaction is aborted.
    struct StoredWordsMissing: Error {}

    private func write(_ batch: MicroBatch, groupWords: Bool) async throws -> Outcome {
        let partitions = Array(batch.nextOffsets.keys)
        return try await database.withTransaction { session in
            try await record(session)
            var outcome = Outcome()
            let stored = try await database.collection(ResultCollections.offsets).find(
                ["_id": ["$in": .array(partitions.map { .string(Self.offsetID($0)) })]], session: session
            )
            outcome.roundTrips += 1
            outcome.lap("offsets")
            let storedNext = Self.offsets(from: stored)
            for (partition, first) in batch.firstOffsets {
                if let next = storedNext[partition], next < first { throw PositionGap(partition: partition, stored: next, first: first) }
            }
            // Review ids already counted: a client re-posted the review (same idempotency key, another offset), or
            // the processor is re-reading a log that lost its tail.
            let candidates = batch.unseen(storedNext: storedNext).reviewIDs
            var storedIDs: Set<String> = []
            if !candidates.isEmpty {
                let found = try await database.collection(ResultCollections.sentiment).find(
                    ["_id": ["$in": .array(candidates.map { .string($0) })]], projection: ["_id": 1], session: session
                )
                storedIDs = Set(found.compactMap { $0["_id"]?.stringValue })
                outcome.roundTrips += 1
                outcome.lap("known-ids")
            }
            let fresh = batch.unseen(storedNext: storedNext, storedIDs: storedIDs)
            outcome.skipped = batch.messageCount - fresh.messageCount
            outcome.duplicates = batch.reviewCount(atOrAbove: storedNext) - fresh.reviews.count
            guard !fresh.nextOffsets.isEmpty else { return outcome }

            let now = Date()
            var newWords = 0
            let wordCounts = fresh.wordCounts
            let wordWrite = groupWords
                ? WordCountWrite(counts: wordCounts, isStored: knownWords.contains)
                : WordCountWrite(upserting: wordCounts)
            if !wordWrite.isEmpty {
                let operations = wordWrite.operations
                let result = try await database.collection(ResultCollections.wordCount).bulkWrite(
                    operations, ordered: false, session: session
                )
                // Upserts match or insert every word they name, so a shortfall is a grouped word not stored.
                if result.matchedCount + result.upsertedCount < wordWrite.expectedMatches + wordWrite.upserts.count {
                    throw StoredWordsMissing()
                }
                newWords = result.upsertedCount
                outcome.wordStatements = operations.count
                outcome.words = Array(wordCounts.keys)
                outcome.roundTrips += 1
                outcome.lap("wordcount")
            }
            try await ProductFiguresWrite(reviews: fresh.reviews, processedAt: now).write(to: database, session: session, outcome: &outcome)

            outcome.counted = fresh.reviews.count
            outcome.correct = fresh.reviews.lazy.filter(\.isCorrect).count
            outcome.deadLettered = fresh.deadLetters.count
            typealias Total = TotalsDocument.CodingKeys
            var set: BSONDocument = [Total.updatedAt.rawValue: .date(now)]
            if let version = fresh.reviews.last?.modelVersion { set[Total.modelVersion.rawValue] = .string(version) }
            let reply = try await database.runCommand([
                "findAndModify": .string(ResultCollections.totals),
                "query": ["_id": .string(ResultCollections.totalsID)],
                "update": [
                    "$inc": [
                        Total.count.rawValue: .int64(Int64(outcome.counted)), Total.correct.rawValue: .int64(Int64(outcome.correct)),
                        Total.deadLettered.rawValue: .int64(Int64(outcome.deadLettered)), Total.words.rawValue: .int64(Int64(newWords)),
                        Total.batches.rawValue: 1,
                    ],
                    "$set": .document(set),
                ],
                "new": true, "upsert": true,
            ], session: session)
            outcome.roundTrips += 1
            outcome.lap("totals")
            let totals = try reply["value"]?.documentValue.map { try BSONDecoder().decode(TotalsDocument.self, from: $0) }
                ?? TotalsDocument(count: outcome.counted, correct: outcome.correct)
            outcome.totalReviews = totals.count
            outcome.totalCorrect = totals.correct

            var predictions: [SentimentDocument] = []
            var point: AccuracyDocument?
            if !fresh.reviews.isEmpty {
                let first = totals.count - fresh.reviews.count
                predictions = fresh.reviews.enumerated().map { index, review in
                    Self.sentimentDocument(review, seq: first + index + 1, processedAt: now)
                }
                let encoder = BSONEncoder()
                try await database.collection(ResultCollections.sentiment).insertMany(
                    try predictions.map { try encoder.encode($0) }, ordered: false, session: session
                )
                outcome.lap("sentiment")
                point = AccuracyDocument(total: totals.count, correct: totals.correct, at: now)
                try await database.collection(ResultCollections.accuracy).insertOne(point!, session: session)
                outcome.lap("accuracy")
                outcome.roundTrips += 2
            }

            let record = BatchRecordDocument(
                batch: totals.batches, totals: totals, increments: wordCounts, at: now, predictions: predictions, accuracy: point
            )
            try await writeRecord(record, session: session, outcome: &outcome)

            try await database.collection(ResultCollections.offsets).bulkWrite(
                fresh.nextOffsets.map { partition, next in
                    StoredPositionWrite.operation(partition, next: next, lastKey: fresh.lastKeys[partition], at: now)
                },
                ordered: false, session: session
            )
            outcome.lap("store-offsets")
            outcome.roundTrips += 2  // the offsets write and the commit
            outcome.nextOffsets = fresh.nextOffsets
            return outcome
        }
    }

    /// Appends the batch's record to ``ResultCollections/batches`` and, every 100th batch, drops records older than
    /// the retention.
    private func writeRecord(_ record: BatchRecordDocument, session: MongoSession, outcome: inout Outcome) async throws {
        let log = database.collection(ResultCollections.batches)
        // Replaced, not inserted: if the totals were reset without the records, an old record with this number must
        // not make the transaction fail for ever on a duplicate key.
        _ = try await log.bulkWrite([.replaceOne(
            filter: ["_id": .int64(Int64(record.batch))], replacement: try BSONEncoder().encode(record), upsert: true
        )], session: session)
        outcome.roundTrips += 1
        let batch = record.batch
        if batch % 100 == 0, batch > ResultCollections.batchLogRetention {
            _ = try await log.deleteMany(["_id": ["$lte": .int64(Int64(batch - ResultCollections.batchLogRetention))]], session: session)
            outcome.roundTrips += 1
        }
        outcome.lap("record")
    }

    static func offsetID(_ partition: KafkaTopicPartition) -> String { "\(partition.topic)/\(partition.partition)" }

    static func offsets(from documents: [BSONDocument]) -> [KafkaTopicPartition: Int64] {
        var offsets: [KafkaTopicPartition: Int64] = [:]
        let decoder = BSONDecoder()
        for document in documents {
            guard let stored = try? decoder.decode(StoredPosition.self, from: document) else { continue }
            offsets[KafkaTopicPartition(topic: stored.topic, partition: Int32(stored.partition))] = stored.next
        }
        return offsets
    }

    static func sentimentDocument(_ review: MicroBatch.Review, seq: Int, processedAt: Date) -> SentimentDocument {
        SentimentDocument(
            id: review.message.id, review: review.message.reviewText, expected: review.expected.rawValue,
            result: review.prediction.label.rawValue, score: review.message.overall, probability: review.prediction.probability,
            modelVersion: review.modelVersion, processedAt: processedAt, seq: seq, partition: Int(review.position.partition),
            offset: review.position.offset, itemId: review.message.itemId, submittedAt: review.message.submittedAt,
            userId: review.message.userId
        )
    }
}
