/// A change of a consumer's partition assignment, as seen by `KafkaConsumerConfiguration.rebalanceHandler`.
public enum KafkaRebalanceEvent: Sendable, Equatable {
    /// The group gave these partitions to this consumer.
    case assigned([KafkaTopicPartition])
    /// These partitions are being taken away; with the eager assignors offered here, that is the whole assignment.
    case revoked([KafkaTopicPartition])
}
