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
///
/// A refresh reads only what is cheap on the local database: the totals, the newest predictions and the new accuracy
/// points (index ranges). The word counts come from a ``WordCountBook`` kept current by their own change stream.
actor LiveResults {
    private let repository: any ResultsRepository
    private let logger: Logger
    private var snapshot: ResultsSnapshot?
    private var encoded: EncodedResults?
    private var subscribers: [UUID: AsyncStream<ResultsSnapshot>.Continuation] = [:]
    /// (time, total reviews) samples for reviews per minute.
    private var history: [(Date, Int)] = []
    private let subscriberGauge = Gauge(label: "api_stream_subscribers")
    private var book = WordCountBook()
    /// The book's revision the current snapshot's words were taken at.
    private var wordsRevision = -1

    init(repository: any ResultsRepository, logger: Logger) {
        self.repository = repository
        self.logger = logger
    }

    /// The cached results, nil until the first successful read.
    func current() -> ResultsSnapshot? { snapshot }

    /// The hot lists as JSON, encoded once per change rather than once per GET.
    func currentJSON() -> EncodedResults? { encoded }

    /// The `limit` most frequent words from memory; nil until the word counts have been read.
    func topWords(_ limit: Int) -> [WordCountEntry]? {
        book.isLoaded ? book.top(limit) : nil
    }

    /// Reads the hot results, stores them and pushes what changed to subscribers.
    func refresh() async throws {
        let totals = try await repository.totals()
        async let predictions = repository.recentPredictions(limit: ResultsSnapshot.size)
        // Fewer reviews than before means the results were reset: read the accuracy points afresh.
        let known = totals.reviews >= (snapshot?.summary.reviews ?? 0) ? snapshot?.accuracy ?? [] : []
        async let accuracy = nextAccuracy(known: known)
        let revision = book.revision
        let words = book.isLoaded ? book.top(ResultsSnapshot.size) : try await repository.topWords(limit: ResultsSnapshot.size)
        let read = try await (predictions, accuracy)
        let now = Date()
        history.append((now, totals.reviews))
        history.removeAll { now.timeIntervalSince($0.0) > 65 }
        let perMinute = history.first.map { first -> Double in
            let span = now.timeIntervalSince(first.0)
            return span >= 1 ? Double(totals.reviews - first.1) * 60 / span : 0
        } ?? 0
        // The book may have moved on while the reads ran; words from an older revision are still correct, only older.
        wordsRevision = book.isLoaded ? revision : -1
        publish(ResultsSnapshot(
            words: words, predictions: read.0, accuracy: read.1,
            summary: Summary(
                reviews: totals.reviews, correct: totals.correct,
                accuracy: totals.reviews > 0 ? Double(totals.correct) / Double(totals.reviews) : nil,
                modelVersion: totals.modelVersion, reviewsPerMinute: (perMinute * 10).rounded() / 10,
                distinctWords: totals.distinctWords, deadLettered: totals.deadLettered
            )
        ))
    }

    /// The newest accuracy points: the known ones plus those written since (an index range), or all of the newest
    /// when none are known yet.
    private func nextAccuracy(known: [AccuracyPoint]) async throws -> [AccuracyPoint] {
        guard let newest = known.first else { return try await repository.recentAccuracy(limit: ResultsSnapshot.size) }
        let fresh = try await repository.accuracy(after: newest._id)
        return fresh.isEmpty ? known : Array((fresh + known).prefix(ResultsSnapshot.size))
    }

    /// Replaces the word counts with a full read.
    func loadWords(_ entries: [(String, Int)]) {
        book.load(entries)
        publishWords()
    }

    /// Records a word's new count; returns whether it changed anything.
    func applyWord(_ word: String, count: Int) -> Bool {
        book.apply(word: word, count: count)
    }

    /// Pushes the top words if the book changed since the snapshot took them.
    func publishWords() {
        guard var next = snapshot, book.isLoaded, book.revision != wordsRevision else { return }
        wordsRevision = book.revision
        next.words = book.top(ResultsSnapshot.size)
        publish(next)
    }

    private func publish(_ next: ResultsSnapshot) {
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
        // The change streams block until the next commit, so shutdown cancels them rather than waiting.
        try? await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await follow() }
                group.addTask { await followWords() }
            }
        }
        await live.finishAll()
    }

    /// Keeps the word counts in memory: opens their change stream, reads them all, then applies each change and pushes
    /// the top words (at most every 50 ms, so a batch's thousand word changes make a few pushes, not a thousand).
    private func followWords() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let changes = try await repository.wordCountChanges()
                await live.loadWords(try await repository.allWordCounts())
                let (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
                let publisher = Task {
                    for await _ in signals {
                        await live.publishWords()
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                }
                defer {
                    signal.finish()
                    publisher.cancel()
                }
                for try await (word, count) in changes where await live.applyWord(word, count: count) {
                    signal.yield()
                }
                if !Task.isCancelled { logger.info("word counts were reset; reading them again") }
            } catch {
                logger.warning("word count change stream failed; reading the counts again in 2 s", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(2))
            }
        }
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
