import ArgumentParser
import KafkaOptions
import Logging
import ServiceSupport
import Settings

@main
struct StreamProcessorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream-processor",
        abstract: "Consumes reviews from Kafka in micro-batches and keeps word counts, sentiment predictions and accuracy in MongoDB, exactly once.",
        discussion: """
        Results and the Kafka offsets they cover are written in one MongoDB transaction per batch, so a crash or a \
        rebalance never counts a review twice or loses one. Invalid messages go to the dead-letter topic. Run several \
        instances with the same --group-id to share the partitions. Every option can also be set from the environment \
        variable named in its help; a flag wins.
        """
    )

    @Option(help: "Address for /health, /ready and /metrics [env: HOST].")
    var host = EnvironmentDefault.string("HOST", "127.0.0.1")
    @Option(help: "Port for /health, /ready and /metrics [env: PORT].")
    var port = EnvironmentDefault.int("PORT", 9464)
    @Option(help: "Kafka bootstrap servers, comma-separated [env: KAFKA_BROKERS].")
    var kafkaBrokers = EnvironmentDefault.string("KAFKA_BROKERS", "127.0.0.1:9092")
    @Option(help: "Consumer group; instances in one group share the partitions [env: GROUP_ID].")
    var groupId = EnvironmentDefault.string("GROUP_ID", "stream-processor")
    @Option(help: "Partition assignment: `group` (Kafka's coordinator, rebalances) or `static:I/N` (instance I of N takes partitions p % N == I) [env: ASSIGNMENT].")
    var assignment = EnvironmentDefault.string("ASSIGNMENT", "group")
    @Option(help: "Topic to consume [env: REVIEWS_TOPIC].")
    var reviewsTopic = EnvironmentDefault.string("REVIEWS_TOPIC", "reviews")
    @Option(help: "Dead-letter topic for invalid messages [env: DLQ_TOPIC].")
    var dlqTopic = EnvironmentDefault.string("DLQ_TOPIC", "reviews.dlq")
    @Option(help: "Catalog topic: product entries keyed by product id, upserted into the products collection [env: PRODUCTS_TOPIC].")
    var productsTopic = EnvironmentDefault.string("PRODUCTS_TOPIC", "products")
    @Option(help: "Check the catalog topic for new entries every this many milliseconds [env: CATALOG_PROBE_MS].")
    var catalogProbeMs = EnvironmentDefault.int("CATALOG_PROBE_MS", 1000)
    @Option(help: "Partitions to create the reviews topic with if it does not exist [env: REVIEWS_PARTITIONS].")
    var partitions = EnvironmentDefault.int("REVIEWS_PARTITIONS", 6)
    @Option(help: "MongoDB connection string [env: MONGO_URI].")
    var mongoURI = EnvironmentDefault.string("MONGO_URI", "mongodb://127.0.0.1:27017/?replicaSet=secantus")
    @Option(help: "MongoDB database for the results [env: MONGO_DB].")
    var mongoDB = EnvironmentDefault.string("MONGO_DB", "sdtddb")
    @Option(help: "A batch closes at this many messages [env: BATCH_SIZE].")
    var batchSize = EnvironmentDefault.int("BATCH_SIZE", 500)
    @Option(help: "...or after this many milliseconds [env: BATCH_TIMEOUT_MS].")
    var batchTimeoutMs = EnvironmentDefault.int("BATCH_TIMEOUT_MS", 200)
    @Option(help: "Largest batch while catching up on lag [env: MAX_BATCH_SIZE].")
    var maxBatchSize = EnvironmentDefault.int("MAX_BATCH_SIZE", 5000)
    @Option(help: "With a static assignment, stop fetching after this many milliseconds without a message, once every partition is read to its end; 0 never stops [env: IDLE_PAUSE_MS].")
    var idlePauseMs = EnvironmentDefault.int("IDLE_PAUSE_MS", 1000)
    @Option(help: "While fetching is stopped, check the partitions' end offsets every this many milliseconds [env: IDLE_PROBE_MS].")
    var idleProbeMs = EnvironmentDefault.int("IDLE_PROBE_MS", 50)
    @Option(help: "Model file; without it the active model in the models collection (`trainer activate`) is used [env: MODEL_PATH].")
    var modelPath: String? = EnvironmentDefault.optionalString("MODEL_PATH")
    @Option(help: "Seconds between checks for a newer model [env: MODEL_CHECK_SECONDS].")
    var modelCheckSeconds = EnvironmentDefault.int("MODEL_CHECK_SECONDS", 10)
    @Option(help: "After the broker lost the tail of a partition's log, read the partition again from this many messages before its end; review ids already counted are not counted twice [env: TRUNCATION_REWIND].")
    var truncationRewind = EnvironmentDefault.int("TRUNCATION_REWIND", 200)
    @Option(help: "A batch whose write fails this many times in a row is split to find the reviews the database refuses, which go to the dead-letter topic [env: MAX_WRITE_ATTEMPTS].")
    var maxWriteAttempts = EnvironmentDefault.int("MAX_WRITE_ATTEMPTS", 5)
    @Option(help: "A review is positive when its score is above this [env: POSITIVE_ABOVE].")
    var positiveAbove = EnvironmentDefault.double("POSITIVE_ABOVE", 3)
    @OptionGroup(title: "Kafka security")
    var kafkaSecurity: KafkaSecurityOptions
    @OptionGroup(title: "Logging")
    var log: LogOptions

    func validate() throws {
        guard PartitionAssignment(assignment) != nil else { throw ValidationError("--assignment must be group or static:I/N with 0 <= I < N, not \(assignment)") }
        guard batchSize > 0, maxBatchSize >= batchSize else { throw ValidationError("need 0 < --batch-size <= --max-batch-size") }
        guard batchTimeoutMs > 0, modelCheckSeconds > 0, partitions > 0 else { throw ValidationError("timeouts, intervals and partitions must be positive") }
        guard catalogProbeMs > 0 else { throw ValidationError("--catalog-probe-ms must be positive") }
        guard truncationRewind >= 0, maxWriteAttempts > 0 else { throw ValidationError("--truncation-rewind must be ≥ 0 and --max-write-attempts positive") }
        guard idlePauseMs >= 0, idleProbeMs > 0 else { throw ValidationError("--idle-pause-ms must be ≥ 0 and --idle-probe-ms positive") }
    }

    func run() async throws {
        let registry = try log.bootstrap()
        var configuration = StreamProcessorConfiguration(
            host: host, port: port,
            kafkaBrokers: kafkaBrokers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
            kafkaSecurity: try kafkaSecurity.security(),
            groupID: groupId, assignment: PartitionAssignment(assignment)!, reviewsTopic: reviewsTopic, deadLetterTopic: dlqTopic, partitions: partitions,
            mongoURI: mongoURI, mongoDatabase: mongoDB,
            batchSize: batchSize, batchTimeout: .milliseconds(batchTimeoutMs), maxBatchSize: maxBatchSize,
            modelPath: modelPath, modelCheckInterval: .seconds(modelCheckSeconds),
            idlePauseAfter: .milliseconds(idlePauseMs), idleProbeInterval: .milliseconds(idleProbeMs),
            truncationRewind: Int64(truncationRewind), maxWriteAttempts: maxWriteAttempts, positiveAbove: positiveAbove
        )
        configuration.productsTopic = productsTopic
        configuration.catalogProbeInterval = .milliseconds(catalogProbeMs)
        let app = try await buildApplication(configuration, registry: registry)
        try await app.runService(shutdownGrace: ShutdownGrace.fromEnvironment)
    }
}
