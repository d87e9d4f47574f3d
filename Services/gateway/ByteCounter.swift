import Foundation

/// Bytes written so far in a response body, added to from the body writer and read by the access log.
/// Unchecked Sendable: the count is behind `lock`.
final class ByteCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func add(_ bytes: Int) {
        lock.withLock { count += bytes }
    }

    var total: Int { lock.withLock { count } }
}
