import Foundation

/// A count raised from librdkafka's callback threads and read from anywhere.
final class RDKafkaCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    var value: Int { lock.withLock { count } }

    func increment() { lock.withLock { count += 1 } }
}
