import Foundation
import Hummingbird
import Kafka
import Logging
import Mongo
import Prometheus
import ReviewContracts
import ServiceSupport

/// Connects to the broker and database and builds the application: the consume loop plus an HTTP server for
/// /health, /ready and /metrics. The same function serves `main` and the tests.
func buildApplication(_ configuration: StreamProcessorConfiguration, registry: PrometheusCollectorRegistry) async throws -> some ApplicationProtocol {
    let logger = Logger(label: "stream-processor")
    let admin = try KafkaAdmin(bootstrapServers: configuration.kafkaBrokers, security: configuration.kafkaSecurity, logger: logger)
    for (topic, partitions) in [(configuration.reviewsTopic, configuration.partitions), (configuration.deadLetterTopic, 1), (configuration.productsTopic, 1)] {
        do {
            if try await admin.createTopic(topic, partitions: Int32(partitions)) {
                logger.info("created topic", metadata: ["topic": "\(topic)", "partitions": "\(partitions)"])
            }
        } catch {
            logger.warning("could not ensure a topic exists", metadata: ["topic": "\(topic)", "error": "\(error)"])
        }
    }
    admin.close()

    let mongo = try MongoClient(uri: configuration.mongoURI, appName: "stream-processor")
    let database = mongo.database(configuration.mongoDatabase)
    var store = ResultStore(database: database)
    // A static assignment names the instance; a group member is named by its host (a restarted pod with a new name
    // cannot end its predecessor's sessions, which then expire after 60 s).
    if case .fixed(let index, let count) = configuration.assignment {
        store.instance = "\(configuration.groupID)/static:\(index)/\(count)"
    } else {
        store.instance = "\(configuration.groupID)/group@\(ProcessInfo.processInfo.hostName)"
    }
    try await store.prepare()
    // End the transaction this instance left open if it was killed mid-batch: it would hold its write locks until the
    // server's transaction lifetime limit (60 s) and stall every batch behind it. Only this instance's own sessions
    // are ended; other clients' transactions and change streams are left alone.
    do {
        let ended = try await store.endEarlierSessions()
        if ended > 0 { logger.info("ended this instance's earlier database sessions", metadata: ["sessions": "\(ended)"]) }
    } catch {
        logger.warning("could not end this instance's earlier sessions; a batch may wait for them to expire", metadata: ["error": "\(error)"])
    }

    var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: configuration.kafkaBrokers)
    producerConfiguration.clientID = "stream-processor-dlq"
    producerConfiguration.security = configuration.kafkaSecurity
    let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
    producer.prepare(topic: configuration.deadLetterTopic)

    let source: ModelProvider.Source = configuration.modelPath.map { .file(URL(fileURLWithPath: $0)) }
        ?? .collection(database.collection(ResultCollections.models))
    let service = ReviewStreamService(
        configuration: configuration, store: store, models: ModelProvider(source: source, logger: logger),
        deadLetters: DeadLetterPublisher(producer: producer, topic: configuration.deadLetterTopic), logger: logger
    )

    let catalogStore = CatalogStore(database: database)
    try await catalogStore.prepare()
    let catalog = CatalogService(
        configuration: configuration, store: catalogStore,
        deadLetters: DeadLetterPublisher(producer: producer, topic: configuration.deadLetterTopic), logger: logger
    )

    let router = Router()
    router.middlewares.add(JSONErrorMiddleware())
    OperationalRoutes.add(to: router, registry: registry) { service.readiness() }
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "stream-processor"),
        logger: logger
    )
    // Shutdown runs in reverse: the loop finishes its batch before the dead-letter producer drains.
    app.addServices(producer, service, catalog)
    return app
}
