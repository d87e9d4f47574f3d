import NIOConcurrencyHelpers

/// Caps open event streams: at most `perClient` per client address and `total` in all (`MAX_STREAMS_PER_CLIENT`,
/// 8, and `MAX_STREAMS`, 5000). Each open stream holds a connection and a subscription for as long as the client
/// likes, so without a cap one client could hold them all.
public final class EventStreamLimiter: Sendable {
    public let perClient: Int
    public let total: Int
    private let open = NIOLockedValueBox(OpenStreams())

    private struct OpenStreams {
        var byClient: [String: Int] = [:]
        var total = 0
    }

    public init(perClient: Int = 8, total: Int = 5000) {
        self.perClient = perClient
        self.total = total
    }

    /// Takes a slot for a stream from `client`, or returns nil when the client or the server is at its cap. Call
    /// ``release(client:)`` once the stream ends.
    public func acquire(client: String) -> Bool {
        open.withLockedValue { open in
            let mine = open.byClient[client, default: 0]
            guard mine < perClient, open.total < total else { return false }
            open.byClient[client] = mine + 1
            open.total += 1
            return true
        }
    }

    public func release(client: String) {
        open.withLockedValue { open in
            guard let mine = open.byClient[client] else { return }
            open.byClient[client] = mine > 1 ? mine - 1 : nil
            open.total -= 1
        }
    }

    /// Streams open now, in all.
    public var openCount: Int { open.withLockedValue { $0.total } }

    /// The 429 a refused stream gets.
    public static let refusal = APIError(.tooManyRequests, "too_many_streams", "Too many open event streams from this client or on this server; close one and retry.")
}

extension EventStreamLimiter {
    /// A slot held for as long as the returned object lives: dropping it (the stream's body finished, or the request
    /// failed before one was sent) gives the slot back.
    public func slot(client: String) -> EventStreamSlot? {
        acquire(client: client) ? EventStreamSlot(limiter: self, client: client) : nil
    }
}

/// One open event stream's place in an ``EventStreamLimiter``, released when this object goes away.
public final class EventStreamSlot: Sendable {
    let limiter: EventStreamLimiter
    let client: String

    init(limiter: EventStreamLimiter, client: String) {
        self.limiter = limiter
        self.client = client
    }

    deinit { limiter.release(client: client) }
}
