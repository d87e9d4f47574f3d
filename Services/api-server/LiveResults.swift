import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// A small cache of the hot results, kept current by the processor's batch records (one change-stream event per
/// committed batch carries the batch's word-count increments, predictions, accuracy point and the totals after it), so
/// keeping it current costs the database no query however many clients watch; and a fan-out of what changed to every
/// open `/api/v1/stream`. GETs of the hot results are answered from it with no database round trip. It starts from
/// one consistent read of everything, and reads everything again if a record is missed or the results are reset; if
/// the change stream fails, it refreshes the lists every 2 s until the stream is back. Each stream client gets the
/// newest snapshot only (older ones it has not taken yet are dropped), so a client that paces itself sees the changes
/// coalesced, and a slow one never holds a queue of them.
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
    /// The newest batch record seen: records come in increasing order, so one below it means the totals were
    /// reset (their batch numbers start again) and everything is read again.
    private var lastRecord = 0
    /// The top products, carried into every snapshot; re-read when ``productsMayHaveChanged`` says so.
    private var topProducts: TopProducts?
    /// A batch was applied (or everything read again) since the top products were last read.
    private var productsMayHaveChanged = true

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

    /// Reads everything afresh (one transaction) and pushes what changed.
    func reload() async throws {
        let stored = try await repository.storedResults()
        book.load(stored.words, batch: stored.totals.batches)
        publish(ResultsSnapshot(
            words: book.top(ResultsSnapshot.size), predictions: stored.predictions, accuracy: stored.accuracy,
            summary: summary(stored.totals), products: topProducts
        ))
        productsMayHaveChanged = true
    }

    /// Applies one batch record and pushes what changed. Returns false when the record does not follow what the cache
    /// holds (records were missed, the batch numbers started again, or nothing was read yet): the caller then reloads.
    func apply(_ record: BatchRecord) -> Bool {
        defer { lastRecord = record.batch }
        guard var next = snapshot, record.batch >= lastRecord else { return false }
        switch book.add(record.words, batch: record.batch) {
        case .alreadyCounted: return true
        case .missedBatches: return false
        case .applied: break
        }
        next.words = book.top(ResultsSnapshot.size)
        if !record.predictions.isEmpty {
            next.predictions = Array((record.predictions.reversed() + next.predictions).prefix(ResultsSnapshot.size))
        }
        if let point = record.accuracy { next.accuracy = Array(([point] + next.accuracy).prefix(ResultsSnapshot.size)) }
        next.summary = summary(record.totals)
        publish(next)
        productsMayHaveChanged = true
        return true
    }

    /// Reads the lists again with cheap queries (the totals, the newest predictions, the new accuracy points) and
    /// pushes what changed: the fallback while the change stream is down. Word counts come from the book, or from the
    /// database until it has been loaded.
    func refresh() async throws {
        let totals = try await repository.totals()
        async let predictions = repository.recentPredictions(limit: ResultsSnapshot.size)
        // Fewer reviews than before means the results were reset: read the accuracy points afresh.
        let known = totals.reviews >= (snapshot?.summary.reviews ?? 0) ? snapshot?.accuracy ?? [] : []
        async let accuracy = nextAccuracy(known: known)
        let words = book.isLoaded ? book.top(ResultsSnapshot.size) : try await repository.topWords(limit: ResultsSnapshot.size)
        let read = try await (predictions, accuracy)
        publish(ResultsSnapshot(words: words, predictions: read.0, accuracy: read.1, summary: summary(totals), products: topProducts))
        productsMayHaveChanged = true
    }

    /// True once after each change to the results: whether the top products are worth reading again.
    func takeProductsMayHaveChanged() -> Bool {
        defer { productsMayHaveChanged = false }
        return productsMayHaveChanged
    }

    /// The top products must be read again (the last read failed).
    func markProductsMayHaveChanged() { productsMayHaveChanged = true }

    /// New top products, pushed to the streams when they differ.
    func setTopProducts(_ top: TopProducts) {
        topProducts = top
        guard var next = snapshot else { return }
        next.products = top
        publish(next)
    }

    /// The summary for `totals`, with reviews per minute over the last minute's samples.
    private func summary(_ totals: ResultTotals) -> Summary {
        let now = Date()
        history.append((now, totals.reviews))
        history.removeAll { now.timeIntervalSince($0.0) > 65 }
        let perMinute = history.first.map { first -> Double in
            let span = now.timeIntervalSince(first.0)
            return span >= 1 ? Double(totals.reviews - first.1) * 60 / span : 0
        } ?? 0
        return Summary(
            reviews: totals.reviews, correct: totals.correct,
            accuracy: totals.reviews > 0 ? Double(totals.correct) / Double(totals.reviews) : nil,
            modelVersion: totals.modelVersion, reviewsPerMinute: (perMinute * 10).rounded() / 10,
            distinctWords: totals.distinctWords, deadLettered: totals.deadLettered
        )
    }

    /// The newest accuracy points: the known ones plus those written since (an index range), or all of the newest
    /// when none are known yet.
    private func nextAccuracy(known: [AccuracyPoint]) async throws -> [AccuracyPoint] {
        guard let newest = known.first else { return try await repository.recentAccuracy(limit: ResultsSnapshot.size) }
        let fresh = try await repository.accuracy(after: newest._id)
        return fresh.isEmpty ? known : Array((fresh + known).prefix(ResultsSnapshot.size))
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
    /// Where the top products are read, and how often at most: after a batch, at the next tick (one read of the
    /// catalog's figures per api-server, however many dashboards watch).
    var products: (any ProductRepository)?
    var productsInterval: Duration = .seconds(5)

    func run() async throws {
        // The change stream blocks until the next commit, so shutdown cancels it rather than waiting.
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await follow() }
                if let products { group.addTask { await followProducts(products) } }
                await group.waitForAll()
            }
        }
        await live.finishAll()
    }

    /// Reads the top products at start, then after each change to the results, at most every `productsInterval`.
    private func followProducts(_ products: any ProductRepository) async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if await live.takeProductsMayHaveChanged() {
                do {
                    await live.setTopProducts(TopProducts(try await products.allFigures(), minimumReviews: ProductOrder.minimumReviewsToRank))
                } catch {
                    logger.warning("could not read the top products", metadata: ["error": "\(error)"])
                    await live.markProductsMayHaveChanged()
                }
            }
            try? await Task.sleep(for: productsInterval)
        }
    }

    /// Opens the batch records' stream, reads everything, then applies each record; reads everything again when the
    /// results were reset or a record was missed.
    private func follow() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let records = try await repository.batchRecords()
                try await live.reload()
                for try await record in records where await !live.apply(record) {
                    logger.info("a batch record was missed; reading the results again", metadata: ["batch": "\(record.batch)"])
                    try await live.reload()
                }
                if !Task.isCancelled { logger.info("the results were reset (or a batch named too many words); reading them again") }
            } catch {
                // The database restarted or is unreachable: refresh what can be read, then open the stream again (every
                // 2 s); reopening reads everything afresh, so nothing committed meanwhile is missed, and pushes only
                // what changed, so dashboards see no event twice.
                logger.warning("results change stream failed; refreshing and reopening it every 2 s", metadata: ["error": "\(error)"])
                await refresh()
                try? await Task.sleep(for: .seconds(2))
            }
        }
    }

    private func refresh() async {
        do { try await live.refresh() } catch { logger.warning("could not refresh the results cache", metadata: ["error": "\(error)"]) }
    }
}
