import Foundation

/// Database session ids a ``ResultStore`` has already noted.
final class SessionIDs: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: Set<String> = []

    /// True the first time `id` is inserted.
    func insert(_ id: String) -> Bool { lock.withLock { ids.insert(id).inserted } }
}
