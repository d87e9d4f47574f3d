import Foundation
import Logging
import Mongo
import ReviewContracts

/// Runs the simulations admins start: publishes `count` real reviews from the dataset through the same publisher as
/// posted reviews, at most `rate` a second, and writes the progress to the `simulations` collection about once a second.
///
/// One simulation runs at a time across the api-servers: a start is refused while the newest job is running and its
/// progress is fresh. A job whose server stopped is reported as abandoned once its progress is stale.
actor SimulationRunner {
    let jobs: MongoCollection
    let dataset: SimulationDataset
    let publish: @Sendable (ReviewMessage) async throws -> Void
    let rate: Int
    let logger: Logger

    /// Largest simulation an admin may ask for.
    static let maxCount = 5000
    /// How old a running job's progress may be before it counts as abandoned.
    static let staleAfter: TimeInterval = 10

    init(database: MongoDatabase, dataset: SimulationDataset, rate: Int, logger: Logger, publish: @escaping @Sendable (ReviewMessage) async throws -> Void) {
        jobs = database.collection(AccountCollections.simulations)
        self.dataset = dataset
        self.rate = rate
        self.logger = logger
        self.publish = publish
    }

    /// The newest job, with a stale running one reported as abandoned.
    func latest(now: Date = Date()) async throws -> SimulationJob? {
        guard var job = try await jobs.find([:], sort: [SimulationJob.Field.startedAt: -1], limit: 1, as: SimulationJob.self).first else { return nil }
        if job.state == .running, now.timeIntervalSince(job.updatedAt) > Self.staleAfter { job.state = .abandoned }
        return job
    }

    /// Starts a job and returns it at once; the publishing goes on in the background.
    func start(count: Int, requestedBy: String) async throws -> SimulationJob {
        if let current = try await latest(), current.state == .running { throw SimulationError.alreadyRunning(current) }
        let reviews: [ReviewValidator.Submission]
        do {
            reviews = try await dataset.load()
        } catch {
            throw SimulationError.datasetUnavailable(dataset.path)
        }
        let job = SimulationJob(id: UUID().uuidString.lowercased(), requestedBy: requestedBy, count: count, rate: rate, startedAt: Date())
        try await jobs.insertOne(job)
        logger.info("simulation started", metadata: ["job": "\(job.id)", "count": "\(count)", "by": "\(requestedBy)"])
        // A random starting line, so repeated simulations do not publish the same reviews.
        let first = Int.random(in: 0..<reviews.count)
        let chosen = (0..<count).map { reviews[(first + $0) % reviews.count] }
        Task { await self.run(job, reviews: chosen) }
        return job
    }

    private func run(_ job: SimulationJob, reviews: [ReviewValidator.Submission]) async {
        var job = job
        // Ten ticks a second, each publishing its share concurrently, so the rate holds even though each review waits
        // for the broker's acknowledgement.
        let perTick = max(1, rate / 10)
        let clock = ContinuousClock()
        var nextTick = clock.now
        var lastWrite = clock.now
        var index = 0
        while index < reviews.count {
            let batch = reviews[index..<min(index + perTick, reviews.count)]
            index += batch.count
            let publish = self.publish
            let acknowledged = await withTaskGroup(of: Bool.self) { group in
                for review in batch {
                    group.addTask {
                        let message = ReviewMessage(id: UUID().uuidString.lowercased(), reviewText: review.reviewText, overall: review.overall,
                                                    itemId: review.itemId, summary: review.summary, submittedAt: Date())
                        return (try? await publish(message)) != nil
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            job.published += acknowledged
            job.failed += batch.count - acknowledged
            if clock.now - lastWrite >= .seconds(1) {
                lastWrite = clock.now
                await save(&job)
            }
            nextTick = nextTick.advanced(by: .milliseconds(100))
            try? await Task.sleep(until: nextTick, clock: clock)
        }
        job.state = .finished
        job.finishedAt = Date()
        await save(&job)
        logger.info("simulation finished", metadata: ["job": "\(job.id)", "published": "\(job.published)", "failed": "\(job.failed)"])
    }

    private func save(_ job: inout SimulationJob) async {
        job.updatedAt = Date()
        do {
            var fields = try BSONEncoder().encode(job)
            fields[SimulationJob.Field.id] = nil
            try await jobs.updateOne(filter: [SimulationJob.Field.id: .string(job.id)], update: ["$set": .document(fields)])
        } catch {
            logger.warning("could not record simulation progress", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
    }
}

enum SimulationError: Error {
    case alreadyRunning(SimulationJob)
    case datasetUnavailable(String)
}
