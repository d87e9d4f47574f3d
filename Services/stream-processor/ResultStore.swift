import Foundation
import Kafka
import Mongo
import ReviewContracts

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
        let documents = try await database.collection(ResultCollections.offsets).find(["topic": .string(topic)], session: session)
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
        let documents = try await database.collection(ResultCollections.offsets).find(["topic": .string(topic)], as: StoredPosition.self)
        return Dictionary(documents.map { (KafkaTopicPartition(topic: $0.topic, partition: Int32($0.partition)), $0) }) { first, _ in first }
    }

    /// Moves a partition's stored position to `offset`: back, for a log that lost its tail (read again from there; the
    /// review-id check keeps what was counted from being counted twice), or forward past messages retention removed
    /// before they were read. Forgets the last key, which no longer describes the message before `offset`.
    func moveStoredPosition(_ partition: KafkaTopicPartition, to offset: Int64) async throws {
        try await database.collection(ResultCollections.offsets).updateOne(
            filter: ["_id": .string(Self.offsetID(partition))],
            update: [
                "$set": ["topic": .string(partition.topic), "partition": .int64(Int64(partition.partition)), "next": .int64(offset), "updatedAt": .date(Date())],
                "$unset": ["lastKey": ""],
            ],
            upsert: true
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
            var set: BSONDocument = ["updatedAt": .date(now)]
            if let version = fresh.reviews.last?.modelVersion { set["modelVersion"] = .string(version) }
            let reply = try await database.runCommand([
                "findAndModify": .string(ResultCollections.totals),
                "query": ["_id": .string(ResultCollections.totalsID)],
                "update": [
                    "$inc": [
                        "count": .int64(Int64(outcome.counted)), "correct": .int64(Int64(outcome.correct)),
                        "deadLettered": .int64(Int64(outcome.deadLettered)), "words": .int64(Int64(newWords)),
                        "batches": 1,
                    ],
                    "$set": .document(set),
                ],
                "new": true, "upsert": true,
            ], session: session)
            outcome.roundTrips += 1
            outcome.lap("totals")
            let totals = reply["value"]?.documentValue
            let total = totals?["count"]?.intValue ?? outcome.counted
            let correct = totals?["correct"]?.intValue ?? outcome.correct
            outcome.totalReviews = total
            outcome.totalCorrect = correct

            var words: [BSON] = [], counts: [BSON] = []
            words.reserveCapacity(wordCounts.count)
            counts.reserveCapacity(wordCounts.count)
            for (word, count) in wordCounts {
                words.append(.string(word))
                counts.append(.int64(Int64(count)))
            }
            var record: BSONDocument = [
                "_id": .int64(Int64(totals?["batches"]?.intValue ?? 0)),
                "totals": .document(totals ?? [:]),
                "words": .array(words), "counts": .array(counts),
                "at": .date(now),
            ]
            if words.count > Self.recordedWordsLimit {
                // A record must stay far below the database's 16 MB document limit, or the batch could never be
                // written; readers that find no words in a record read the word counts again.
                record["words"] = []
                record["counts"] = []
                record["wordsOmitted"] = true
            }
            if !fresh.reviews.isEmpty {
                let first = total - fresh.reviews.count
                let documents = fresh.reviews.enumerated().map { index, review in
                    Self.sentimentDocument(review, seq: first + index + 1, processedAt: now)
                }
                record["predictions"] = .array(documents.suffix(Self.recordedPredictions).map { .document($0) })
                try await database.collection(ResultCollections.sentiment).insertMany(documents, ordered: false, session: session)
                outcome.lap("sentiment")
                let point: BSONDocument = [
                    "_id": .int64(Int64(total)),
                    // The total again, in an indexed field: readers fetch the points after the newest they know by a
                    // range on it, which the local database answers from the index (an `_id` range it scans).
                    "reviews": .int64(Int64(total)),
                    "value": .double(Double(correct) / Double(max(total, 1))),
                    "correct": .int64(Int64(correct)),
                    "at": .date(now),
                ]
                try await database.collection(ResultCollections.accuracy).insertOne(point, session: session)
                record["accuracy"] = .document(point)
                outcome.lap("accuracy")
                outcome.roundTrips += 2
            }

            try await writeRecord(record, session: session, outcome: &outcome)

            try await database.collection(ResultCollections.offsets).bulkWrite(
                fresh.nextOffsets.map { partition, next in
                    var set: BSONDocument = [
                        "topic": .string(partition.topic), "partition": .int64(Int64(partition.partition)),
                        "next": .int64(next), "updatedAt": .date(now),
                    ]
                    var update: BSONDocument = [:]
                    if let key = fresh.lastKeys[partition] {
                        set["lastKey"] = .string(key)
                    } else {
                        update["$unset"] = ["lastKey": ""]
                    }
                    update["$set"] = .document(set)
                    return .updateOne(filter: ["_id": .string(Self.offsetID(partition))], update: update, upsert: true)
                },
                ordered: false, session: session
            )
            outcome.lap("store-offsets")
            outcome.roundTrips += 2  // the offsets write and the commit
            outcome.nextOffsets = fresh.nextOffsets
            return outcome
        }
    }

    /// The readers' cache keeps this many predictions, so a batch's record carries no more.
    static let recordedPredictions = 100
    /// A record names at most this many words (about 2 MB); a batch with more records none (`wordsOmitted`).
    static let recordedWordsLimit = 100_000

    /// Appends the batch's record to ``ResultCollections/batches`` and, every 100th batch, drops records older than
    /// the retention.
    private func writeRecord(_ record: BSONDocument, session: MongoSession, outcome: inout Outcome) async throws {
        let log = database.collection(ResultCollections.batches)
        // Replaced, not inserted: if the totals were reset without the records, an old record with this number must
        // not make the transaction fail for ever on a duplicate key.
        _ = try await log.bulkWrite([.replaceOne(filter: ["_id": record["_id"]!], replacement: record, upsert: true)], session: session)
        outcome.roundTrips += 1
        if let batch = record["_id"]?.intValue, batch % 100 == 0, batch > ResultCollections.batchLogRetention {
            _ = try await log.deleteMany(["_id": ["$lte": .int64(Int64(batch - ResultCollections.batchLogRetention))]], session: session)
            outcome.roundTrips += 1
        }
        outcome.lap("record")
    }

    static func offsetID(_ partition: KafkaTopicPartition) -> String { "\(partition.topic)/\(partition.partition)" }

    static func offsets(from documents: [BSONDocument]) -> [KafkaTopicPartition: Int64] {
        var offsets: [KafkaTopicPartition: Int64] = [:]
        for document in documents {
            guard let topic = document["topic"]?.stringValue, let partition = document["partition"]?.intValue,
                  let next = document["next"]?.intValue else { continue }
            offsets[KafkaTopicPartition(topic: topic, partition: Int32(partition))] = Int64(next)
        }
        return offsets
    }

    static func sentimentDocument(_ review: MicroBatch.Review, seq: Int, processedAt: Date) -> BSONDocument {
        var document: BSONDocument = [
            "_id": .string(review.message.id),
            "review": .string(review.message.reviewText),
            "expected": .string(review.expected.rawValue),
            "result": .string(review.prediction.label.rawValue),
            "score": .double(review.message.overall),
            "probability": .double(review.prediction.probability),
            "modelVersion": .string(review.modelVersion),
            "processedAt": .date(processedAt),
            "seq": .int64(Int64(seq)),
            "partition": .int64(Int64(review.position.partition)),
            "offset": .int64(review.position.offset),
        ]
        if let itemId = review.message.itemId { document["itemId"] = .string(itemId) }
        if let submittedAt = review.message.submittedAt { document["submittedAt"] = .date(submittedAt) }
        if let userId = review.message.userId { document["userId"] = .string(userId) }
        return document
    }
}
