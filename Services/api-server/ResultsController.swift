import Foundation
import Hummingbird
import ServiceLifecycle
import ServiceSupport

/// The seed's result endpoints, with their exact paths and shapes, and the v1 summary and live stream. Requests
/// within the hot window (≤ 100 rows) are answered from ``LiveResults`` without a database round trip, and at the
/// default limit with JSON encoded once per change.
struct ResultsController<Repository: ResultsRepository>: Sendable {
    let repository: Repository
    let live: LiveResults
    /// Caps open event streams per client and in all.
    var streams = EventStreamLimiter()
    var trustForwardedFor = true

    func addRoutes(to router: Router<APIRequestContext>) {
        router.get("/api/results/wordcount") { request, _ -> Response in
            let limit = try Self.limit(request, default: 100, max: 10_000)
            if limit == ResultsSnapshot.size, let cached = await live.currentJSON() { return EncodedResults.response(cached.words) }
            if let words = await live.topWords(limit) { return Self.json(words) }
            return Self.json(try await repository.topWords(limit: limit))
        }
        router.get("/api/results/sentiment") { request, _ -> Response in
            let limit = try Self.limit(request, default: 100, max: 1000)
            if limit == ResultsSnapshot.size, let cached = await live.currentJSON() { return EncodedResults.response(cached.predictions) }
            if limit < ResultsSnapshot.size, let snapshot = await live.current() { return Self.json(snapshot.predictions.prefix(limit)) }
            return Self.json(try await repository.recentPredictions(limit: limit))
        }
        router.get("/api/results/sentiment/accuracy") { request, _ -> Response in
            let limit = try Self.limit(request, default: 100, max: 10_000)
            if limit == ResultsSnapshot.size, let cached = await live.currentJSON() { return EncodedResults.response(cached.accuracy) }
            if limit < ResultsSnapshot.size, let snapshot = await live.current() { return Self.json(snapshot.accuracy.prefix(limit)) }
            return Self.json(try await repository.recentAccuracy(limit: limit))
        }
        router.get("/api/v1/summary") { _, _ -> Summary in
            if let snapshot = await live.current() { return snapshot.summary }
            try await live.refresh()
            guard let snapshot = await live.current() else { throw APIError(.serviceUnavailable, "not_ready", "Results are not loaded yet.") }
            return snapshot.summary
        }
        router.get("/api/v1/stream") { request, context -> Response in
            let options = try LiveStreamOptions(request.uri.queryParameters)
            // The unpaced firehose costs an encode and a push per commit per client: admins only.
            if options.interval == .zero { _ = try context.requireAdmin() }
            let client = ClientAddress.of(request, context: context, trustForwardedFor: trustForwardedFor) ?? "unknown"
            guard streams.acquire(client: client) else {
                var refused = try EventStreamLimiter.refusal.response(from: request, context: context)
                refused.headers[.retryAfter] = "5"
                return refused
            }
            let streams = self.streams
            let gzip = request.headers[values: .acceptEncoding].contains { $0.lowercased().contains("gzip") }
            let (current, updates) = await live.subscribe()
            let body = AsyncStream<ByteBuffer> { continuation in
                let encoder = EventStreamEncoder(continuation: continuation, gzip: gzip)
                let task = Task {
                    encoder.send("retry: 2000\n\n")
                    if let current {
                        encoder.send([ServerSentEvent(name: "summary", json: current.summary)]
                            + (current.products.map { [ServerSentEvent(name: "products", json: $0)] } ?? []))
                    }
                    // The server drains open requests before the other services stop, so a stream must end on its
                    // own when shutdown starts, or SIGTERM would wait for every open dashboard.
                    await withGracefulShutdownHandler {
                        await withTaskGroup(of: Void.self) { group in
                            group.addTask {
                                var sent = current ?? ResultsSnapshot()
                                for await snapshot in updates {
                                    encoder.send(snapshot.events(since: sent, maxPredictions: options.predictions, preview: options.preview))
                                    sent = snapshot
                                    // Commits during the pause collapse into the newest snapshot, sent as one push.
                                    if options.interval > .zero { try? await Task.sleep(for: options.interval) }
                                }
                            }
                            group.addTask {
                                // Keeps proxies and browsers from closing an idle stream.
                                while !Task.isCancelled {
                                    try? await Task.sleep(for: .seconds(15))
                                    encoder.send(": keepalive\n\n")
                                }
                            }
                            await group.next()
                            group.cancelAll()
                        }
                    } onGracefulShutdown: {
                        encoder.finish()
                    }
                    encoder.finish()
                }
                continuation.onTermination = { _ in
                    task.cancel()
                    streams.release(client: client)
                }
            }
            var headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache", .vary: "Accept-Encoding"]
            headers[.init("X-Accel-Buffering")!] = "no"
            if gzip { headers[.contentEncoding] = "gzip" }
            return Response(status: .ok, headers: headers, body: ResponseBody(asyncSequence: body))
        }
    }

    static func json(_ rows: some Sequence<some Encodable>) -> Response {
        EncodedResults.response(EncodedResults.encode(Array(rows)))
    }

    static func limit(_ request: Request, default fallback: Int, max: Int) throws -> Int {
        guard let raw = request.uri.queryParameters.get("limit") else { return fallback }
        guard let value = Int(raw), (1...max).contains(value) else {
            throw APIError(.badRequest, "invalid_limit", "limit must be an integer from 1 to \(max); got \"\(raw)\".")
        }
        return value
    }
}
