import Foundation

/// What the proxy learned about a request, read back by the access log after the response: the context is a value
/// passed down the middleware chain, so an inner handler can only report outwards through a shared reference.
/// Unchecked Sendable: both fields are read and written under `lock`.
final class RequestTrace: @unchecked Sendable {
    private let lock = NSLock()
    private var _upstream: String?
    private var _requestID: String?

    /// The upstream that answered (or last failed), `host:port`.
    var upstream: String? {
        get { lock.withLock { _upstream } }
        set { lock.withLock { _upstream = newValue } }
    }

    var requestID: String? {
        get { lock.withLock { _requestID } }
        set { lock.withLock { _requestID = newValue } }
    }
}
