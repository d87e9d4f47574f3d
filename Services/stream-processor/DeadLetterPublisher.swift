import Kafka

/// Sends messages that broke the contract to the dead-letter topic: the original bytes, keyed by where they came
/// from, with the reason and the source position in headers, so nothing is lost and each can be replayed.
struct DeadLetterPublisher: Sendable {
    let producer: KafkaProducer
    let topic: String

    func publish(_ deadLetters: [MicroBatch.DeadLetter]) async throws {
        guard !deadLetters.isEmpty else { return }
        _ = try await producer.send(deadLetters.map { letter in
            let source = letter.source
            return KafkaProducerMessage(
                topic: topic,
                key: Array("\(source.topic)/\(source.partition)/\(source.offset)".utf8),
                value: source.value,
                headers: [
                    KafkaHeader(key: "dlq.reason", value: letter.rejection.reason),
                    KafkaHeader(key: "dlq.detail", value: letter.rejection.description),
                    KafkaHeader(key: "dlq.source.topic", value: source.topic),
                    KafkaHeader(key: "dlq.source.partition", value: String(source.partition)),
                    KafkaHeader(key: "dlq.source.offset", value: String(source.offset)),
                ]
            )
        })
    }
}
