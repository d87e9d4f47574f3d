import Foundation
import Kafka
import Logging
import Metrics
import ServiceLifecycle

/// The api-server's Kafka producer, replaced by a new one when librdkafka declares it fatally failed.
///
/// An idempotent producer whose broker lost acknowledged messages (the local broker stopped while producers write;
/// a Kafka leader that lost its log's tail) gets "out of order sequence number" and enters a fatal state: every
/// later send fails. Without a new producer the api-server would answer 503 to every review until restarted. The
/// reviews that failed with it were answered 503, and clients retry them with the same idempotency key.
/// Unchecked Sendable: the current producer is swapped and read only under `lock`.
final class ReviewProducer: Service, @unchecked Sendable {
    private let lock = NSLock()
    private var current: KafkaProducer
    private let configuration: KafkaProducerConfiguration
    private let topic: String
    private let logger: Logger

    init(configuration: KafkaProducerConfiguration, topic: String, logger: Logger) throws {
        self.configuration = configuration
        self.topic = topic
        self.logger = logger
        current = try KafkaProducer(configuration: configuration, logger: logger)
        current.prepare(topic: topic)
    }

    /// The producer in use now.
    var producer: KafkaProducer { lock.withLock { current } }

    /// Sends and waits for the broker's acknowledgement; if the producer failed fatally, makes a new one and sends
    /// once more with it.
    func send(_ message: KafkaProducerMessage) async throws -> KafkaDeliveryReport {
        let producer = self.producer
        do {
            return try await producer.send(message)
        } catch {
            guard let fatal = producer.fatalError else { throw error }
            return try await replace(producer, because: fatal).send(message)
        }
    }

    /// Nil when the broker answers a metadata request for the reviews topic within a second; otherwise why not. This
    /// is what intake needs (the database is not).
    func brokerProblem() async -> String? {
        let producer = self.producer
        if let fatal = producer.fatalError {
            _ = try? replace(producer, because: fatal)
            return "the Kafka producer failed (\(fatal)); a new one was made"
        }
        do {
            try await producer.loadMetadata(topic: topic, timeout: .seconds(1))
            return nil
        } catch {
            return "the broker does not answer: \(error)"
        }
    }

    /// Swaps in a new producer if `failed` is still the current one (concurrent senders see one replacement).
    private func replace(_ failed: KafkaProducer, because fatal: KafkaError) throws -> KafkaProducer {
        try lock.withLock {
            guard current === failed else { return current }
            logger.error("the Kafka producer failed fatally; replacing it", metadata: ["error": "\(fatal)"])
            let fresh = try KafkaProducer(configuration: configuration, logger: logger)
            fresh.prepare(topic: topic)
            current = fresh
            Counter(label: "api_producer_recreated_total").increment()
            Task { await failed.shutdown() }
            return fresh
        }
    }

    func run() async throws {
        // Runs until shutdown, then drains the producer in use, so reviews already accepted are delivered.
        try? await gracefulShutdown()
        await producer.shutdown()
    }
}
