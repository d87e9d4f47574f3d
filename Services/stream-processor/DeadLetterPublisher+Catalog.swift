import Kafka

extension DeadLetterPublisher {
    /// Sends refused catalog messages to the dead-letter topic with the same headers as refused reviews, so one
    /// reader of the topic handles both.
    func publish(_ deadLetters: [CatalogBatch.DeadLetter]) async throws {
        try await publish(deadLetters.map { ($0.source, $0.rejection.reason, $0.rejection.description) })
    }
}
