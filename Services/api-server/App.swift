import ArgumentParser
import Hummingbird
import KafkaOptions
import Logging
import ServiceSupport

@main
struct APIServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-server",
        abstract: "Accepts reviews over HTTP, publishes them to Kafka, and serves the results the stream processor writes.",
        discussion: "Every option can also be set from the environment variable named in its help; a flag wins over the environment."
    )

    @Option(help: "Address to listen on [env: HOST].")
    var host = EnvironmentDefault.string("HOST", "127.0.0.1")
    @Option(help: "Port to listen on [env: PORT].")
    var port = EnvironmentDefault.int("PORT", 3001)
    @Option(help: "Kafka bootstrap servers, comma-separated [env: KAFKA_BROKERS].")
    var kafkaBrokers = EnvironmentDefault.string("KAFKA_BROKERS", "127.0.0.1:9092")
    @Option(help: "MongoDB connection string [env: MONGO_URI].")
    var mongoURI = EnvironmentDefault.string("MONGO_URI", "mongodb://127.0.0.1:27017/?replicaSet=secantus")
    @Option(help: "MongoDB database holding the results [env: MONGO_DB].")
    var mongoDB = EnvironmentDefault.string("MONGO_DB", "sdtddb")
    @Option(help: "Topic reviews are published to [env: REVIEWS_TOPIC].")
    var reviewsTopic = EnvironmentDefault.string("REVIEWS_TOPIC", "reviews")
    @Option(help: "Partitions to create the reviews topic with if it does not exist [env: REVIEWS_PARTITIONS].")
    var partitions = EnvironmentDefault.int("REVIEWS_PARTITIONS", 6)
    @Option(help: "How long to wait for the broker to acknowledge a review before answering 503, in ms [env: ACK_TIMEOUT_MS].")
    var ackTimeoutMs = EnvironmentDefault.int("ACK_TIMEOUT_MS", 5000)
    @Option(help: "How long the Kafka producer waits to batch reviews before sending, in ms; each POST waits at least this long [env: LINGER_MS].")
    var lingerMs = EnvironmentDefault.int("LINGER_MS", 5)
    @OptionGroup(title: "Kafka security")
    var kafkaSecurity: KafkaSecurityOptions
    @OptionGroup(title: "Logging")
    var log: LogOptions

    /// The entry point: request handlers run on NIO's event loops (``EventLoopConcurrency``); the database and the
    /// broker are reached from threads of their own.
    static func main() async {
        EventLoopConcurrency.install()
        await main(nil)
    }

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1–65535") }
        guard partitions > 0 else { throw ValidationError("--partitions must be positive") }
        guard ackTimeoutMs > 0 else { throw ValidationError("--ack-timeout-ms must be positive") }
        guard lingerMs >= 0 else { throw ValidationError("--linger-ms must not be negative") }
    }

    func run() async throws {
        let registry = try log.bootstrap()
        let configuration = APIServerConfiguration(
            host: host, port: port,
            kafkaBrokers: kafkaBrokers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
            kafkaSecurity: try kafkaSecurity.security(),
            mongoURI: mongoURI, mongoDatabase: mongoDB, reviewsTopic: reviewsTopic, partitions: partitions,
            ackTimeout: .milliseconds(ackTimeoutMs), lingerMilliseconds: lingerMs
        )
        let app = try await buildApplication(configuration, registry: registry)
        try await app.runService(shutdownGrace: ShutdownGrace.fromEnvironment)
    }
}
