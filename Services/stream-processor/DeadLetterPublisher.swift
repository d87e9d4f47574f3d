import Kafka
import StreamCore

/// Sends messages that broke the contract to the dead-letter topic: the original bytes, keyed by where they came
/// from, with the reason and the source position in headers, so nothing is lost and each can be replayed.
struct DeadLetterPublisher: Sendable {
    let producer: KafkaProducer
    let topic: String

    func publish(_ deadLetters: [MicroBatch.DeadLetter]) async throws {
        try await publish(deadLetters.map { ($0.source, $0.rejection.reason, $0.rejection.description) })
    }

    /// Each message with why it was refused (a short reason code and a sentence).
    func publish(_ letters: [(source: KafkaConsumerMessage, reason: String, detail: String)]) async throws {
        guard !letters.isEmpty else { return }
        _ = try await producer.send(letters.map { source, reason, detail in
            KafkaProducerMessage(
                topic: topic,
                key: Array("\(source.topic)/\(source.partition)/\(source.offset)".utf8),
                value: source.value,
                headers: [
                    KafkaHeader(key: "dlq.reason", value: reason),
                    KafkaHeader(key: "dlq.detail", value: detail),
                    KafkaHeader(key: "dlq.source.topic", value: source.topic),
                    KafkaHeader(key: "dlq.source.partition", value: String(source.partition)),
                    KafkaHeader(key: "dlq.source.offset", value: String(source.offset)),
                ]
            )
        })
    }
}
