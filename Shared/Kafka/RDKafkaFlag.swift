import Foundation

/// A boolean set once from any thread and read by a worker thread between bounded librdkafka calls.
final class RDKafkaFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }

    func set() { lock.withLock { value = true } }
}
