import Foundation

/// Set once when a background write finishes, so the poll loop can keep growing the next batch until then.
final class CompletionFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
