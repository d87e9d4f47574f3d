import NIOConcurrencyHelpers

/// A count raised from librdkafka's callback threads and read from anywhere.
final class RDKafkaCounter: Sendable {
    private let count = NIOLockedValueBox(0)

    var value: Int { count.withLockedValue { $0 } }

    func increment() { count.withLockedValue { $0 += 1 } }
}
