import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// A small cache of the hot results, refreshed when the processor commits a batch (a change stream on the totals
/// document, so the database is read once per batch per api-server, however many clients watch), and a fan-out of
/// what changed to every open `/api/v1/stream`. GETs of the hot results are answered from it with no database
/// round trip. If the change stream fails, it refreshes every 2 s until the stream is back. Each stream client gets
/// the newest snapshot only (older ones it has not taken yet are dropped), so a client that paces itself sees the
/// changes coalesced, and a slow one never holds a queue of them.
actor LiveResults {
    private let repository: any ResultsRepository
    private let logger: Logger
    private var snapshot: ResultsSnapshot?
    private var encoded: EncodedResults?
    private var subscribers: [UUID: AsyncStream<ResultsSnapshot>.Continuation] = [:]
    /// (time, total reviews) samples for reviews per minute.
    private var history: [(Date, Int)] = []
    private let subscriberGauge = Gauge(label: "api_stream_subscribers")

    init(repository: any ResultsRepository, logger: Logger) {
        self.repository = repository
        self.logger = logger
    }

    /// The cached results, nil until the first successful read.
    func current() -> ResultsSnapshot? { snapshot }

    /// The hot lists as JSON, encoded once per change rather than once per GET.
    func currentJSON() -> EncodedResults? { encoded }

    /// Reads the hot results, stores them and pushes what changed to subscribers.
    func refresh() async throws {
        async let words = repository.topWords(limit: ResultsSnapshot.size)
        async let predictions = repository.recentPredictions(limit: ResultsSnapshot.size)
        async let accuracy = repository.recentAccuracy(limit: ResultsSnapshot.size)
        async let totals = repository.totals()
        let read = try await (words, predictions, accuracy, totals)
        let now = Date()
        history.append((now, read.3.reviews))
        history.removeAll { now.timeIntervalSince($0.0) > 65 }
        let perMinute = history.first.map { first -> Double in
            let span = now.timeIntervalSince(first.0)
            return span >= 1 ? Double(read.3.reviews - first.1) * 60 / span : 0
        } ?? 0
        let next = ResultsSnapshot(
            words: read.0, predictions: read.1, accuracy: read.2,
            summary: Summary(
                reviews: read.3.reviews, correct: read.3.correct,
                accuracy: read.3.reviews > 0 ? Double(read.3.correct) / Double(read.3.reviews) : nil,
                modelVersion: read.3.modelVersion, reviewsPerMinute: (perMinute * 10).rounded() / 10,
                distinctWords: read.3.distinctWords, deadLettered: read.3.deadLettered
            )
        )
        guard next != snapshot else { return }
        snapshot = next
        encoded = EncodedResults(next)
        for continuation in subscribers.values { continuation.yield(next) }
    }

    /// The current snapshot (nil before the first read) and every later one, for one client.
    func subscribe() -> (current: ResultsSnapshot?, updates: AsyncStream<ResultsSnapshot>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: ResultsSnapshot.self, bufferingPolicy: .bufferingNewest(1))
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        subscribers[id] = continuation
        subscriberGauge.record(subscribers.count)
        return (snapshot, stream)
    }

    private func unsubscribe(_ id: UUID) {
        subscribers[id] = nil
        subscriberGauge.record(subscribers.count)
    }

    /// Ends every stream, so SSE responses finish and the server can shut down.
    func finishAll() {
        for continuation in subscribers.values { continuation.finish() }
        subscribers = [:]
    }
}

/// Keeps ``LiveResults`` fresh for as long as the application runs.
struct LiveResultsService: Service {
    let live: LiveResults
    let repository: any ResultsRepository
    let logger: Logger

    func run() async throws {
        // The change stream blocks until the next commit, so shutdown cancels it rather than waiting.
        try? await cancelWhenGracefulShutdown {
            await follow()
        }
        await live.finishAll()
    }

    private func follow() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await refresh()
            do {
                // A burst of commits collapses into one buffered signal while a read is running.
                let (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
                let reader = Task { for await _ in signals { await refresh() } }
                defer {
                    signal.finish()
                    reader.cancel()
                }
                for try await _ in repository.batchCommits() { signal.yield() }
            } catch {
                logger.warning("results change stream failed; refreshing every 2 s until it is back", metadata: ["error": "\(error)"])
            }
            // Fallback polling while the change stream is down.
            for _ in 0..<5 where !Task.isCancelled {
                try? await Task.sleep(for: .seconds(2))
                await refresh()
            }
        }
    }

    private func refresh() async {
        do { try await live.refresh() } catch { logger.warning("could not refresh the results cache", metadata: ["error": "\(error)"]) }
    }
}
