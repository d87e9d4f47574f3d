import ReviewContracts

/// Where accepted reviews go: the `reviews` topic, keyed by review id.
protocol ReviewPublisher: Sendable {
    /// Returns once the broker has acknowledged the review; throws if it did not within the configured timeout.
    func publish(_ review: ReviewMessage) async throws
}
