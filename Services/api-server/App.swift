import ArgumentParser
import Hummingbird
import KafkaOptions
import Logging
import ServiceSupport
import Settings

/// `api-server serve`, the default subcommand: `api-server` with no subcommand runs the server with these flags.
struct APIServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
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
    @Option(help: "Allow anyone to create a user account with POST /api/v1/register (true/false) [env: ALLOW_REGISTRATION].")
    var allowRegistration = EnvironmentDefault.string("ALLOW_REGISTRATION", "false")
    @Option(help: "Accept reviews without a session, as the seed's clients send them (true/false) [env: ANONYMOUS_REVIEWS].")
    var anonymousReviews = EnvironmentDefault.string("ANONYMOUS_REVIEWS", "true")
    @Option(help: "Other origins allowed cross-origin requests, comma-separated, e.g. https://admin.example.com; none by default [env: CORS_ORIGINS].")
    var corsOrigins = EnvironmentDefault.string("CORS_ORIGINS", "")
    @Option(help: "Hours a session lives after its last use, at most 168 [env: SESSION_TTL_HOURS].")
    var sessionTTLHours = EnvironmentDefault.double("SESSION_TTL_HOURS", 168)
    @Option(help: "bcrypt cost for new password hashes, 12–16 [env: BCRYPT_COST].")
    var bcryptCost = EnvironmentDefault.int("BCRYPT_COST", 12)
    @Option(help: "Take the client's address for login throttling from the last X-Forwarded-For entry, as the gateway writes it (true/false) [env: TRUST_FORWARDED_FOR].")
    var trustForwardedFor = EnvironmentDefault.string("TRUST_FORWARDED_FOR", "true")
    @Option(help: "Reviews an admin's simulation publishes (JSON lines) [env: DATASET].")
    var dataset = EnvironmentDefault.string("DATASET", ".data/reviews.jsonl")
    @Option(help: "Reviews a second a simulation publishes at most [env: SIMULATION_RATE].")
    var simulationRate = EnvironmentDefault.int("SIMULATION_RATE", 100)
    @OptionGroup(title: "Connections")
    var connections: ConnectionLimitOptions
    @OptionGroup(title: "Kafka security")
    var kafkaSecurity: KafkaSecurityOptions
    @OptionGroup(title: "Logging")
    var log: LogOptions

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1–65535") }
        guard partitions > 0 else { throw ValidationError("--partitions must be positive") }
        guard ackTimeoutMs > 0 else { throw ValidationError("--ack-timeout-ms must be positive") }
        guard lingerMs >= 0 else { throw ValidationError("--linger-ms must not be negative") }
        for (name, value) in [("--allow-registration", allowRegistration), ("--anonymous-reviews", anonymousReviews), ("--trust-forwarded-for", trustForwardedFor)] {
            guard EnvironmentDefault.boolean(value) != nil else { throw ValidationError("\(name) must be true or false, not \(value)") }
        }
        guard sessionTTLHours > 0, sessionTTLHours <= 168 else { throw ValidationError("--session-ttl-hours must be more than 0 and at most 168") }
        guard (12...16).contains(bcryptCost) else { throw ValidationError("--bcrypt-cost must be 12–16") }
        guard (1...10_000).contains(simulationRate) else { throw ValidationError("--simulation-rate must be 1–10000") }
    }

    func run() async throws {
        let registry = try log.bootstrap()
        let configuration = APIServerConfiguration(
            host: host, port: port,
            kafkaBrokers: kafkaBrokers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
            kafkaSecurity: try kafkaSecurity.security(),
            mongoURI: mongoURI, mongoDatabase: mongoDB, reviewsTopic: reviewsTopic, partitions: partitions,
            ackTimeout: .milliseconds(ackTimeoutMs), lingerMilliseconds: lingerMs,
            allowRegistration: EnvironmentDefault.boolean(allowRegistration) ?? false, anonymousReviews: EnvironmentDefault.boolean(anonymousReviews) ?? true,
            corsOrigins: corsOrigins.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            sessionLifetime: sessionTTLHours * 3600, bcryptCost: UInt8(bcryptCost), trustForwardedFor: EnvironmentDefault.boolean(trustForwardedFor) ?? true,
            datasetPath: dataset, simulationRate: simulationRate,
            idleTimeoutSeconds: connections.idleTimeout, maxStreamsPerClient: connections.maxStreamsPerClient, maxStreams: connections.maxStreams
        )
        let app = try await buildApplication(configuration, registry: registry)
        try await app.runService(shutdownGrace: ShutdownGrace.fromEnvironment)
    }
}
