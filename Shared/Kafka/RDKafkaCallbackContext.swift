import Foundation
import Logging

/// What librdkafka's C callbacks reach through the handle's opaque pointer: the logger, the producer's pending
/// deliveries and the consumer's rebalance handler. It outlives the handle (the client holds it).
final class RDKafkaCallbackContext: Sendable {
    let logger: Logger
    let deliveries = RDKafkaDeliveryRegistry()
    let rebalanceHandler: (@Sendable (KafkaRebalanceEvent) -> [KafkaTopicPartitionOffset])?
    /// Times the client lost its connection to every broker (or one connection failed); counted by the error callback.
    let connectionLosses = RDKafkaCounter()

    init(logger: Logger, rebalanceHandler: (@Sendable (KafkaRebalanceEvent) -> [KafkaTopicPartitionOffset])? = nil) {
        self.logger = logger
        self.rebalanceHandler = rebalanceHandler
    }

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> RDKafkaCallbackContext? {
        opaque.map { Unmanaged<RDKafkaCallbackContext>.fromOpaque($0).takeUnretainedValue() }
    }
}
