import Foundation
import Kafka
import Logging
import Metrics
import Mongo
import NIOConcurrencyHelpers
import ReviewAnalysis
import ReviewContracts
import ServiceLifecycle
import StreamCore

/// The consume → analyse → write loop.
///
/// Batch k+1 is polled and analysed while batch k is being written, and it keeps growing (up to `maxBatchSize`)
/// for as long as that write takes, so a processor that lags writes fewer, larger batches with the same small,
/// constant number of database round trips each. With a static assignment it stops fetching after a quiet spell
/// until something arrives (``IdleFetchPause``). On SIGTERM it finishes the batch in hand, commits, and leaves the group.
final class ReviewStreamService: Service, Sendable {
    private let configuration: StreamProcessorConfiguration
    private let store: ResultStore
    private let models: ModelProvider
    private let deadLetters: DeadLetterPublisher
    private let logger: Logger
    private let metrics = ProcessorMetrics()
    private let validator = ReviewValidator()
    private let labelRule: LabelRule
    private let state = ProcessorState()

    init(configuration: StreamProcessorConfiguration, store: ResultStore, models: ModelProvider, deadLetters: DeadLetterPublisher, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.models = models
        self.deadLetters = deadLetters
        self.logger = logger
        self.labelRule = LabelRule(positiveAbove: configuration.positiveAbove)
    }

    /// Nil when the processor is consuming; otherwise why not.
    func readiness() -> String? { state.readiness }

    func run() async throws {
        // Waiting for a model, the broker or the database ends on SIGTERM (or when another part of the service
        // failed), so a processor that cannot start never lingers without its HTTP server.
        let consumer: KafkaConsumer
        do {
            consumer = try await cancelWhenGracefulShutdown { () async throws -> KafkaConsumer in
                let model = try await self.waitForModel()
                self.metrics.model(version: model.version).record(1)
                return try await self.makeConsumer()
            }
        } catch where error is CancellationError || Task.isShuttingDownGracefully {
            logger.info("stopped before consuming")
            return
        }
        state.setConsumer(true)
        logger.info("consuming", metadata: ["topic": "\(configuration.reviewsTopic)", "group": "\(configuration.groupID)"])
        // Cancellation (the group's answer to a part that failed, such as an HTTP port in use) stops the loop like
        // SIGTERM does, so the process exits with the failure instead of running on without it.
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await self.watchModel() }
                    group.addTask { await self.measureLag(consumer) }
                    defer { group.cancelAll() }
                    try await self.consume(consumer)
                }
            } onGracefulShutdown: {
                self.state.requestStop()
            }
        } onCancel: {
            self.state.requestStop()
        }
        await consumer.close()
        state.setConsumer(false)
        logger.info("left the consumer group")
    }

    private func consume(_ consumer: KafkaConsumer) async throws {
        var writing: (task: Task<ResultStore.Outcome, Never>, done: NIOLockedValueBox<Bool>, batch: MicroBatch, started: ContinuousClock.Instant)?
        var idle: IdleFetchPause?
        if case .fixed = configuration.assignment, configuration.idlePauseAfter > .zero {
            idle = IdleFetchPause(probeInterval: configuration.idleProbeInterval, state: state, metrics: metrics, logger: logger)
        }
        var lastMessage = ContinuousClock.now
        var connectionLosses = consumer.brokerConnectionLosses
        while !state.stopRequested || writing != nil {
            var messages: [KafkaConsumerMessage] = []
            if !state.stopRequested {
                // With a write in flight, the loop below keeps collecting until it is done; waiting the whole batch
                // timeout first would hold the next batch back whenever a write is quicker than that.
                let timeout = writing == nil ? configuration.batchTimeout : min(configuration.batchTimeout, .milliseconds(20))
                messages = try await consumer.poll(maxMessages: configuration.batchSize, timeout: timeout)
                while let current = writing, !current.done.withLockedValue { $0 }, messages.count < configuration.maxBatchSize, !state.stopRequested {
                    let more = try await consumer.poll(
                        maxMessages: min(configuration.batchSize, configuration.maxBatchSize - messages.count),
                        timeout: .milliseconds(20)
                    )
                    messages += more
                }
            }
            // A broker that reconnected may have lost its log's tail and re-used offsets: nothing polled since is
            // written before the positions are checked (the messages are read again from the checked positions).
            let losses = consumer.brokerConnectionLosses
            let outOfRange = consumer.takeOutOfRangePositions()
            if losses != connectionLosses || !outOfRange.isEmpty || state.takeVerificationRequest() {
                connectionLosses = losses
                if let previous = writing {
                    let outcome = await previous.task.value
                    finish(outcome, batch: previous.batch, started: previous.started, consumer: consumer)
                    writing = nil
                }
                try await verifyPositions(consumer, reason: outOfRange.isEmpty ? "check" : "fetch out of range")
                lastMessage = .now
                continue
            }
            if !messages.isEmpty {
                lastMessage = .now
            } else if let idle, writing == nil, !state.stopRequested, ContinuousClock.now - lastMessage >= configuration.idlePauseAfter {
                if try await idle.waitForWork(consumer) == .stalled {
                    state.noteStall()
                    state.requestVerification()
                }
                lastMessage = .now
            }
            var batch: MicroBatch?
            if !messages.isEmpty, let model = models.current {
                batch = MicroBatch(messages: messages, model: model, validator: validator, labelRule: labelRule)
            }
            if let previous = writing {
                let outcome = await previous.task.value
                finish(outcome, batch: previous.batch, started: previous.started, consumer: consumer)
                await commitToKafka(outcome, consumer: consumer)
                writing = nil
            }
            guard let batch else { continue }
            // Dead letters are published before the results that skip them are committed, so a crash in between
            // re-sends them (at least once, keyed by source position) rather than losing them.
            let newDeadLetters = batch.deadLetters.filter { state.isUnprocessed($0.source) }
            try await publishDeadLetters(newDeadLetters)
            let done = NIOLockedValueBox(false)
            let task = Task {
                defer { done.withLockedValue { $0 = true } }
                return await self.write(batch)
            }
            writing = (task, done, batch, .now)
        }
    }

    /// Writes a batch, retrying; a batch that fails ``StreamProcessorConfiguration/maxWriteAttempts`` times in a row
    /// is stuck: /ready says so, and the batch is split in halves, written separately, down to the single reviews the
    /// database refuses, which go to the dead-letter topic with its error. Nothing is committed past a review that is
    /// neither written nor dead-lettered.
    private func write(_ batch: MicroBatch) async -> ResultStore.Outcome {
        var delay: Duration = .milliseconds(100)
        var failures = 0
        while true {
            do {
                let outcome = try await store.write(batch)
                if failures >= configuration.maxWriteAttempts { state.setProblem(.stuck, nil); metrics.stuck.record(0) }
                return outcome
            } catch let gap as ResultStore.PositionGap {
                // Not a write failure: the positions in memory are ahead of the stored ones. The loop reads on from
                // the stored positions (``verifyPositions(_:reason:)``).
                metrics.positionGaps.increment()
                logger.error("the stored position is behind what was read; reading again from it", metadata: ["reason": "\(gap)"])
                var outcome = ResultStore.Outcome()
                outcome.gap = gap
                return outcome
            } catch {
                // The batch stays in hand and nothing is committed until it is written: no review is lost.
                failures += 1
                logger.error("writing a batch failed; retrying", metadata: ["error": "\(error)", "attempt": "\(failures)", "retryIn": "\(delay)"])
                if state.stopRequested, delay > .seconds(5) { return ResultStore.Outcome() }
                if failures >= configuration.maxWriteAttempts {
                    if failures == configuration.maxWriteAttempts {
                        metrics.stuckBatches.increment()
                        metrics.stuck.record(1)
                    }
                    state.setProblem(.stuck, "a batch of \(batch.messageCount) messages failed to be written \(failures) times: \(error)")
                }
                // Split only when the database refused the data; while it is unreachable or failing over the batch
                // stays whole and is retried, since a review dead-lettered for an outage would be lost.
                if failures >= configuration.maxWriteAttempts, Self.refusesData(error) {
                    if let (first, second) = batch.halves() {
                        logger.error("batch stuck; splitting it to find what the database refuses", metadata: ["messages": "\(batch.messageCount)"])
                        var outcome = await write(first)
                        outcome.absorb(await write(second))
                        state.setProblem(.stuck, nil)
                        metrics.stuck.record(0)
                        return outcome
                    }
                    if !batch.reviews.isEmpty {
                        let refused = batch.deadLettered(reason: "\(error)")
                        do {
                            // The batch's own dead letters were published before the write; these are the reviews'.
                            try await publishDeadLetters(Array(refused.deadLetters.suffix(batch.reviews.count)))
                            metrics.unwritable.increment(by: batch.reviews.count)
                            logger.error("the database refuses a review; it went to the dead-letter topic", metadata: ["error": "\(error)"])
                            var outcome = await write(refused)
                            outcome.deadLettered = max(outcome.deadLettered, refused.deadLetters.count)
                            state.setProblem(.stuck, nil)
                            metrics.stuck.record(0)
                            return outcome
                        } catch {
                            logger.error("could not dead-letter a refused review; retrying", metadata: ["error": "\(error)"])
                        }
                    }
                }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(10))
            }
        }
    }

    /// Whether a write error is the database refusing what was written (a document it will not store), as opposed
    /// to it being unreachable, restarting or failing over, which retrying outlasts.
    static func refusesData(_ error: Error) -> Bool {
        guard let error = error as? MongoError else { return false }
        switch error {
        case .connection: return false
        case .user: return true
        case .server(let code, _, let labels):
            if labels.contains("TransientTransactionError") || labels.contains("RetryableWriteError") { return false }
            // Unavailable, shutting down, stepping down, not primary, network and timeout errors.
            let unavailable: Set<Int> = [6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436, 50]
            return !unavailable.contains(code)
        }
    }

    /// Checks every owned partition's stored position against the broker's log (``LogTruncationCheck``), moves
    /// truncated ones back, and makes the consumer read on from the checked positions. Retries until it can check, or
    /// a stop is requested.
    private func verifyPositions(_ consumer: KafkaConsumer, reason: String) async throws {
        let topic = configuration.reviewsTopic
        let check = LogTruncationCheck(brokers: configuration.kafkaBrokers, group: configuration.groupID, security: configuration.kafkaSecurity, rewind: configuration.truncationRewind, logger: logger)
        state.setProblem(.verifying, "checking the stored positions against the broker's log (\(reason))")
        defer { state.setProblem(.verifying, nil) }
        var delay: Duration = .milliseconds(200)
        while !state.stopRequested {
            do {
                let partitions = state.partitions
                let stored = try await store.storedPositions(topic: topic)
                let findings = try await check.run(partitions, stored: stored, consumer: consumer)
                for finding in findings {
                    if let truncation = finding.truncation {
                        metrics.logTruncations.increment()
                        logger.error("log truncation detected; reading the partition again", metadata: [
                            "partition": "\(topic)/\(finding.partition.partition)", "stored": "\(stored[finding.partition]?.next ?? -1)",
                            "resumeAt": "\(finding.resumeAt)", "reason": "\(truncation)",
                        ])
                        try await store.moveStoredPosition(finding.partition, to: finding.resumeAt)
                        state.rewind(finding.partition, to: finding.resumeAt, rereadingUntil: finding.rereadUntil,
                                     reason: "log truncation on \(topic)/\(finding.partition.partition): \(truncation); re-reading from \(finding.resumeAt)")
                    } else {
                        if let position = stored[finding.partition], position.next < finding.resumeAt {
                            logger.warning("reviews expired before they were read; reading on from the first one kept", metadata: [
                                "partition": "\(topic)/\(finding.partition.partition)", "stored": "\(position.next)", "resumeAt": "\(finding.resumeAt)",
                            ])
                            try await store.moveStoredPosition(finding.partition, to: finding.resumeAt)
                        }
                        state.reset([finding.partition: finding.resumeAt])
                    }
                }
                let positions = findings.map { KafkaTopicPartitionOffset(topic: $0.partition.topic, partition: $0.partition.partition, offset: $0.resumeAt) }
                if case .fixed = configuration.assignment {
                    try await consumer.assign(positions)
                } else {
                    for position in positions { try await consumer.seek(position) }
                }
                logger.debug("positions checked", metadata: ["reason": "\(reason)", "positions": "\(positions.map { "\($0.partition)@\($0.offset)" })"])
                return
            } catch {
                logger.warning("could not check the stored positions yet; retrying", metadata: ["error": "\(error)"])
                try await serve(consumer, for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    /// Waits `duration` while serving the group consumer's queue. A member that stops polling is dropped from the
    /// group after the poll interval, and its rebalance (the lost partitions, then a new assignment) is handed over
    /// only by a poll; until then every seek fails with "Erroneous state", so retrying seeks without polling left a
    /// processor alive doing nothing. Messages polled here are dropped: a check succeeds only by seeking every
    /// partition then owned to its checked position, so they are read again from there.
    private func serve(_ consumer: KafkaConsumer, for duration: Duration) async throws {
        guard case .group = configuration.assignment else {
            try await Task.sleep(for: duration)
            return
        }
        let end = ContinuousClock.now + duration
        while !state.stopRequested, ContinuousClock.now < end {
            _ = try await consumer.poll(maxMessages: configuration.batchSize, timeout: min(end - .now, .milliseconds(100)))
        }
    }

    private func finish(_ outcome: ResultStore.Outcome, batch: MicroBatch, started: ContinuousClock.Instant, consumer: KafkaConsumer) {
        if outcome.gap != nil { state.requestVerification() }
        metrics.batchSize.record(batch.messageCount)
        metrics.batchDuration.record(duration: ContinuousClock.now - started)
        metrics.processed.increment(by: outcome.counted)
        metrics.deadLettered.increment(by: outcome.deadLettered)
        metrics.skipped.increment(by: outcome.skipped - outcome.duplicates)
        metrics.duplicates.increment(by: outcome.duplicates)
        metrics.roundTrips.record(outcome.roundTrips)
        if let total = outcome.totalReviews, let correct = outcome.totalCorrect, total > 0 {
            metrics.accuracy.record(Double(correct) / Double(total))
        }
        state.advance(outcome.nextOffsets)
        logger.debug("batch written", metadata: [
            "messages": "\(batch.messageCount)", "counted": "\(outcome.counted)", "dlq": "\(outcome.deadLettered)",
            "skipped": "\(outcome.skipped)", "roundTrips": "\(outcome.roundTrips)", "wordStatements": "\(outcome.wordStatements)", "total": "\(outcome.totalReviews ?? -1)",
            "db": "\(outcome.stepSummary)",
        ])
    }

    /// Kafka's committed offsets are only for lag monitoring; the stored offsets in MongoDB are the truth, so a
    /// rejected commit (the local broker refuses commits during a rebalance) is harmless, and the next batch's write
    /// does not wait for the broker's answer.
    private func commitToKafka(_ outcome: ResultStore.Outcome, consumer: KafkaConsumer) async {
        let offsets = outcome.nextOffsets.map { KafkaTopicPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) }
        guard !offsets.isEmpty else { return }
        do { try await consumer.commitInBackground(offsets) } catch { logger.debug("kafka offset commit refused", metadata: ["error": "\(error)"]) }
    }

    private func publishDeadLetters(_ letters: [MicroBatch.DeadLetter]) async throws {
        var delay: Duration = .milliseconds(100)
        while true {
            do {
                try await deadLetters.publish(letters)
                for letter in letters {
                    logger.warning("dead-lettered a message", metadata: [
                        "reason": "\(letter.rejection.reason)", "partition": "\(letter.source.partition)", "offset": "\(letter.source.offset)",
                    ])
                }
                return
            } catch {
                logger.error("publishing dead letters failed; retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(10))
            }
        }
    }

    private func makeConsumer() async throws -> KafkaConsumer {
        if case .fixed = configuration.assignment { return try await makeFixedConsumer() }
        var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: configuration.kafkaBrokers, groupID: configuration.groupID)
        consumerConfiguration.clientID = "stream-processor"
        consumerConfiguration.autoOffsetReset = .error
        consumerConfiguration.security = configuration.kafkaSecurity
        // The rebalance timeout: how long the coordinator waits for every member to rejoin. librdkafka's 300 s default
        // let one member that never rejoined (a join the local broker lost) hold the whole group for five minutes,
        // both members alive and reading nothing. The loop polls at least every batch timeout; only a write held up
        // longer than 45 s with a full batch in hand (a database outage) makes a member miss it, and it then leaves and
        // rejoins, which exactly-once tolerates (offsets live with the results).
        consumerConfiguration.additionalProperties["max.poll.interval.ms"] = "45000"
        let store = self.store, state = self.state, logger = self.logger, topic = configuration.reviewsTopic
        consumerConfiguration.rebalanceHandler = { event in
            switch event {
            case .revoked(let partitions):
                logger.info("partitions revoked", metadata: ["partitions": "\(partitions.map(\.partition).sorted())"])
                state.forget(partitions)
                return []
            case .assigned(let partitions):
                // Start each partition where the results say, not where Kafka's commits say.
                guard let stored = Self.blocking({ try await store.storedOffsets(topic: topic) }) else {
                    // The results are unreachable: start from Kafka's commits; the write filters anything already counted.
                    logger.warning("stored offsets unreadable at assignment; starting from committed offsets")
                    state.assign(partitions, stored: [:])
                    return []
                }
                state.assign(partitions, stored: stored)
                state.requestVerification()
                logger.info("partitions assigned", metadata: ["partitions": "\(partitions.map(\.partition).sorted())"])
                // A partition with no stored offset has nothing in the results yet: read it from its beginning,
                // whatever Kafka's committed offsets say (they may belong to results that were since dropped).
                return partitions.map { partition in
                    KafkaTopicPartitionOffset(topic: partition.topic, partition: partition.partition, offset: stored[partition] ?? KafkaTopicPartitionOffset.beginning)
                }
            }
        }
        return try KafkaConsumer(configuration: consumerConfiguration, topics: [configuration.reviewsTopic], logger: logger)
    }

    /// A consumer that reads its share of the partitions from the stored offsets, with no group coordinator.
    private func makeFixedConsumer() async throws -> KafkaConsumer {
        var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: configuration.kafkaBrokers, groupID: configuration.groupID)
        consumerConfiguration.clientID = "stream-processor"
        // A position outside the log is reported, never silently moved (``LogTruncationCheck``).
        consumerConfiguration.autoOffsetReset = .error
        consumerConfiguration.security = configuration.kafkaSecurity
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, topics: [], logger: logger)
        let admin = try KafkaAdmin(bootstrapServers: configuration.kafkaBrokers, security: configuration.kafkaSecurity, logger: logger)
        defer { admin.close() }
        var partitionCount: Int?
        while partitionCount == nil {
            partitionCount = try? await admin.partitionCount(topic: configuration.reviewsTopic)
            if partitionCount == nil { try await Task.sleep(for: .seconds(1)) }
        }
        let topic = configuration.reviewsTopic
        let partitions = (0..<Int32(partitionCount!)).filter { configuration.assignment.owns(partition: $0) }
            .map { KafkaTopicPartition(topic: topic, partition: $0) }
        let stored = try await store.storedOffsets(topic: topic)
        state.assign(partitions, stored: stored)
        try await consumer.assign(partitions.map {
            KafkaTopicPartitionOffset(topic: topic, partition: $0.partition, offset: stored[$0] ?? KafkaTopicPartitionOffset.beginning)
        })
        logger.info("partitions assigned statically", metadata: ["partitions": "\(partitions.map(\.partition))"])
        return consumer
    }

    private func waitForModel() async throws -> SentimentModel {
        while true {
            do {
                try await models.refresh()
                if let model = models.current { return model }
            } catch {
                state.setWaitingForModel("\(error)")
                logger.warning("waiting for a model", metadata: ["error": "\(error)"])
            }
            try await Task.sleep(for: .seconds(2))
        }
    }

    private func watchModel() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.modelCheckInterval)
            do {
                let old = models.current?.version
                if try await models.refresh(), let new = models.current?.version {
                    if let old { metrics.model(version: old).record(0) }
                    metrics.model(version: new).record(1)
                }
            } catch {
                logger.warning("model check failed; keeping the current model", metadata: ["error": "\(error)"])
            }
        }
    }

    private func measureLag(_ consumer: KafkaConsumer) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.lagInterval)
            for partition in state.partitions {
                guard let marks = try? await consumer.watermarks(partition) else { continue }
                let next = state.next(partition) ?? marks.low
                metrics.lag(topic: partition.topic, partition: partition.partition).record(max(0, marks.high - next))
            }
        }
    }

    /// Runs async work from librdkafka's rebalance callback, which is synchronous and runs on the consumer's own
    /// polling thread (never on the cooperative pool), so blocking it briefly is safe.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) -> T? {
        let semaphore = DispatchSemaphore(value: 0)
        let box = NIOLockedValueBox<T?>(nil)
        Task {
            let value = try? await work()
            box.withLockedValue { $0 = value }
            semaphore.signal()
        }
        return semaphore.wait(timeout: .now() + 15) == .success ? box.withLockedValue { $0 } : nil
    }
}
