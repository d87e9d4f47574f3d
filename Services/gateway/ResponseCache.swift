import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1

/// A short-lived cache of upstream answers to hot GETs (nginx's "micro-caching"): for `ttl` after an upstream answered
/// a cacheable path, the same path and query are answered from memory. The api-servers' results change at most once
/// per commit and their own cache already makes every reader see the last commit, so a fraction of a second more
/// costs readers little, while any number of polling dashboards (the seed's polls three lists every 2 s) cost the
/// upstreams one request per path per `ttl`.
///
/// What is stored: 200 answers to GET on `pathPrefixes`, with a `Content-Length` of at most `maxEntryBytes`, not an
/// event stream, without `Cache-Control: no-store`/`private`/`no-cache` and without `Vary`. Past its `ttl` an entry
/// is refreshed by the first request that finds it; until that answer arrives (at most `staleFor` more), others are
/// still served the old one, so an expiry never sends a burst of identical requests upstream.
/// Unchecked Sendable: the stored answers and refresh flags are behind `lock`; the settings are immutable.
final class ResponseCache: @unchecked Sendable {
    struct Entry: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: ByteBuffer
        let stored: ContinuousClock.Instant
        /// The status line and header lines every pipeline hit on this answer shares, encoded
        /// (``CachedGETResponder/hitHead(status:headers:serverName:)``) once when the answer is stored; nil when no
        /// pipeline fast path is configured.
        let hitHead: ByteBuffer?
    }

    enum Lookup {
        /// Fresh, or stale while another request refreshes it.
        case hit(Entry)
        /// Not stored (or too old): the caller asks upstream and, if the answer is cacheable, stores it.
        case miss
    }

    /// Tells the client whether an answer came from the cache (`HIT`) or from an upstream and was stored (`MISS`).
    static let statusHeader = HTTPField.Name("X-Cache")!

    let ttl: Duration
    let staleFor: Duration
    let pathPrefixes: [String]
    /// The query parameters the key keeps; the api-server ignores the others, so they cannot change the answer.
    let queryParameters: Set<String>
    let maxEntryBytes: Int
    let maxEntries: Int
    /// Builds ``Entry/hitHead`` for each stored answer.
    let makeHitHead: (@Sendable (HTTPResponse.Status, HTTPFields) -> ByteBuffer)?
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    /// Keys a request is refreshing right now.
    private var refreshing: Set<String> = []

    init(ttl: Duration, pathPrefixes: [String], queryParameters: Set<String> = ["limit"], staleFor: Duration = .seconds(2),
         maxEntryBytes: Int = 1 << 20, maxEntries: Int = 256,
         makeHitHead: (@Sendable (HTTPResponse.Status, HTTPFields) -> ByteBuffer)? = nil) {
        self.makeHitHead = makeHitHead
        self.ttl = ttl
        self.staleFor = staleFor
        self.pathPrefixes = pathPrefixes
        self.queryParameters = queryParameters
        self.maxEntryBytes = maxEntryBytes
        self.maxEntries = maxEntries
    }

    /// The cache key of a request, or nil when its answer is never cached: the path and the known query parameters
    /// in a fixed order, so `?limit=10&x=1`, `?x=2&limit=10` and `?limit=10` share one entry and one upstream request.
    func key(method: HTTPRequest.Method, path: String, uri: String) -> String? {
        guard method == .get, pathPrefixes.contains(where: { path.hasPrefix($0) }) else { return nil }
        guard let mark = uri.utf8.firstIndex(of: UInt8(ascii: "?")), case let query = uri[uri.utf8.index(after: mark)...], !query.isEmpty
        else { return path }
        let kept = query.split(separator: "&").filter { pair in
            queryParameters.contains(String(pair.prefix { $0 != "=" }))
        }.sorted()
        return kept.isEmpty ? path : path + "?" + kept.joined(separator: "&")
    }

    func lookup(_ key: String, now: ContinuousClock.Instant = .now) -> Lookup {
        lock.withLock {
            guard let entry = entries[key] else { return .miss }
            let age = now - entry.stored
            if age < ttl { return .hit(entry) }
            if age < ttl + staleFor, refreshing.contains(key) { return .hit(entry) }
            if age < ttl + staleFor { refreshing.insert(key) }
            return .miss
        }
    }

    /// The entry to answer `key` with, if one may be served without asking upstream: fresh, or stale while another
    /// request refreshes it. Unlike ``lookup(_:now:)`` it never claims the refresh, so a caller that gets nil hands the
    /// request to the path that does (``APIProxy``).
    func servable(_ key: String, now: ContinuousClock.Instant = .now) -> Entry? {
        lock.withLock {
            guard let entry = entries[key] else { return nil }
            let age = now - entry.stored
            if age < ttl || (age < ttl + staleFor && refreshing.contains(key)) { return entry }
            return nil
        }
    }

    /// Whether an answer with these status and headers may be stored.
    func isCacheable(status: Int, headers: HTTPFields) -> Bool {
        guard status == 200, headers[.vary] == nil,
              let length = headers[.contentLength].flatMap(Int.init), length <= maxEntryBytes,
              headers[.contentType]?.hasPrefix("text/event-stream") != true
        else { return false }
        let control = headers[values: .cacheControl].joined(separator: ",").lowercased()
        return !["no-store", "private", "no-cache"].contains { control.contains($0) }
    }

    func store(_ key: String, status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer, now: ContinuousClock.Instant = .now) {
        let hitHead = makeHitHead?(status, headers)
        lock.withLock {
            refreshing.remove(key)
            if entries[key] == nil, entries.count >= maxEntries {
                // Rarely reached (a few hot paths): drop everything expired, or else the oldest.
                entries = entries.filter { now - $0.value.stored < ttl }
                if entries.count >= maxEntries, let oldest = entries.min(by: { $0.value.stored < $1.value.stored }) {
                    entries[oldest.key] = nil
                }
            }
            entries[key] = Entry(status: status, headers: headers, body: body, stored: now, hitHead: hitHead)
        }
    }

    /// The refresh of `key` failed or was not cacheable: the next request may try again.
    func abandon(_ key: String) {
        _ = lock.withLock { refreshing.remove(key) }
    }
}
