import Kafka

extension DeadLetterPublisher {
    /// Sends refused catalog messages to the dead-letter topic with the same headers as refused reviews, so one
    /// reader of the topic handles both.
    func publish(_ deadLetters: [CatalogBatch.DeadLetter]) async throws {
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
