import NIOConcurrencyHelpers

/// Database session ids a ``ResultStore`` has already noted.
final class SessionIDs: Sendable {
    private let ids = NIOLockedValueBox(Set<String>())

    /// True the first time `id` is inserted.
    func insert(_ id: String) -> Bool { ids.withLockedValue { $0.insert(id).inserted } }
}
