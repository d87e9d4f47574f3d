import Kafka
import ReviewContracts

/// Publishes reviews with the idempotent, acks=all producer and waits for each delivery report.
struct KafkaReviewPublisher: ReviewPublisher {
    let producer: ReviewProducer
    let topic: String

    func publish(_ review: ReviewMessage) async throws {
        _ = try await producer.send(KafkaProducerMessage(topic: topic, key: Array(review.id.utf8), value: review.encoded()))
    }
}
