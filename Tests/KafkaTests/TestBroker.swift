import Foundation
import Kafka
import Logging

/// The broker the integration tests talk to: `KAFKA_BROKERS` (as set by `scripts/local/stack up`), default
/// 127.0.0.1:9092. Every test uses its own topics and groups, so tests run in parallel on a non-empty broker.
enum TestBroker {
    static let servers: [String] = (ProcessInfo.processInfo.environment["KAFKA_BROKERS"] ?? "127.0.0.1:9092")
        .split(separator: ",").map(String.init)

    static let logger: Logger = {
        var logger = Logger(label: "kafka-tests")
        logger.logLevel = ProcessInfo.processInfo.environment["KAFKA_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }()

    static func unique(_ name: String) -> String {
        "\(name)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Creates a fresh topic through the admin API and returns its name.
    static func makeTopic(_ name: String, partitions: Int32) async throws -> String {
        let topic = unique(name)
        let admin = try KafkaAdmin(bootstrapServers: servers, logger: logger)
        defer { admin.close() }
        try await admin.createTopic(topic, partitions: partitions)
        return topic
    }

    static func producer() throws -> KafkaProducer {
        try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: servers), logger: logger)
    }

    static func consumer(
        group: String, topics: [String], configure: (inout KafkaConsumerConfiguration) -> Void = { _ in }
    ) throws -> KafkaConsumer {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: servers, groupID: group)
        configure(&configuration)
        return try KafkaConsumer(configuration: configuration, topics: topics, logger: logger)
    }

    /// Polls until `count` messages arrived or `within` passed; returns what arrived.
    /// Polls (serving rebalances) until the consumer owns exactly `partitions`, at most `within`; returns what it owns.
    static func pollUntilAssigned(_ consumer: KafkaConsumer, _ partitions: Set<KafkaTopicPartition>, within: Duration = .seconds(15)) async throws -> Set<KafkaTopicPartition> {
        var owned: Set<KafkaTopicPartition> = []
        let deadline = ContinuousClock.now + within
        while owned != partitions, ContinuousClock.now < deadline {
            _ = try await consumer.poll(maxMessages: 100, timeout: .milliseconds(200))
            owned = Set(try await consumer.assignment())
        }
        return owned
    }

    static func drain(_ consumer: KafkaConsumer, count: Int, within: Duration = .seconds(15)) async throws -> [KafkaConsumerMessage] {
        let deadline = ContinuousClock.now + within
        var messages: [KafkaConsumerMessage] = []
        while messages.count < count, ContinuousClock.now < deadline {
            messages += try await consumer.poll(maxMessages: count - messages.count, timeout: .milliseconds(200))
        }
        return messages
    }
}
