import Foundation
import Hummingbird
import Kafka
import Logging
import Mongo
import Prometheus
import ReviewContracts
import ServiceSupport

/// Connects to the broker and database and builds the application; the same function serves `main` and the tests.
func buildApplication(_ configuration: APIServerConfiguration, registry: PrometheusCollectorRegistry) async throws -> some ApplicationProtocol {
    let logger = Logger(label: "api-server")
    let admin = try KafkaAdmin(bootstrapServers: configuration.kafkaBrokers, security: configuration.kafkaSecurity, logger: logger)
    do {
        if try await admin.createTopic(configuration.reviewsTopic, partitions: Int32(configuration.partitions)) {
            logger.info("created topic", metadata: ["topic": "\(configuration.reviewsTopic)", "partitions": "\(configuration.partitions)"])
        }
    } catch {
        // The broker may come up after us; the producer keeps retrying, and /ready reports it meanwhile.
        logger.warning("could not ensure the reviews topic exists", metadata: ["error": "\(error)"])
    }
    admin.close()

    var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: configuration.kafkaBrokers)
    producerConfiguration.clientID = "api-server"
    producerConfiguration.security = configuration.kafkaSecurity
    producerConfiguration.messageTimeoutMilliseconds = Int(configuration.ackTimeout.components.seconds * 1000)
        + Int(configuration.ackTimeout.components.attoseconds / 1_000_000_000_000_000)
    producerConfiguration.lingerMilliseconds = configuration.lingerMilliseconds
    let producer = try ReviewProducer(configuration: producerConfiguration, topic: configuration.reviewsTopic, logger: logger)
    let publisher = KafkaReviewPublisher(producer: producer, topic: configuration.reviewsTopic)

    let mongo = try MongoClient(uri: configuration.mongoURI, appName: "api-server")
    let repository = MongoResultsRepository(database: mongo.database(configuration.mongoDatabase))
    let live = LiveResults(repository: repository, logger: logger)
    let accounts = Accounts(database: mongo.database(configuration.mongoDatabase),
                            sessionLifetime: configuration.sessionLifetime, bcryptCost: configuration.bcryptCost)
    do {
        try await accounts.prepare()
    } catch {
        // The database may come up after us; without the TTL indexes expired sessions are still refused, only kept.
        logger.warning("could not create the account indexes", metadata: ["error": "\(error)"])
    }

    let profile = ProfileController(database: mongo.database(configuration.mongoDatabase))
    do {
        try await profile.prepare()
    } catch {
        logger.warning("could not create the profile index", metadata: ["error": "\(error)"])
    }
    let simulations = SimulationRunner(
        database: mongo.database(configuration.mongoDatabase), dataset: SimulationDataset(path: configuration.datasetPath),
        rate: configuration.simulationRate, logger: logger, publish: { try await publisher.publish($0) }
    )

    let router = buildRouter(
        publisher: publisher, repository: repository, live: live, accounts: accounts, simulations: simulations, profile: profile,
        configuration: configuration, registry: registry,
        maxBodyBytes: configuration.maxBodyBytes,
        // Intake needs only the broker: while the database is down, reviews are still accepted (and results answer
        // 503), so `/ready` — what the gateway and Kubernetes route by — follows the broker; `/ready/reads` the database.
        readiness: { await producer.brokerProblem() },
        readsReadiness: { await repository.isReachable() ? nil : "the database does not answer" }
    )
    ProductController(repository: MongoProductRepository(database: mongo.database(configuration.mongoDatabase))).addRoutes(to: router)
    AccuracyHistoryController(history: AccuracyHistory(database: mongo.database(configuration.mongoDatabase))).addRoutes(to: router)
    RecommendationController(database: mongo.database(configuration.mongoDatabase),
                             products: MongoProductRepository(database: mongo.database(configuration.mongoDatabase)))
        .addRoutes(to: router)
    var app = Application(
        router: router,
        server: GuardedHTTP1Channel.server(idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "api-server"),
        logger: logger
    )
    // Services shut down in reverse order: the HTTP server stops taking requests, the live streams end, then the
    // producer drains.
    app.addServices(producer, LiveResultsService(
        live: live, repository: repository, logger: logger, products: MongoProductRepository(database: mongo.database(configuration.mongoDatabase))
    ))
    return app
}

/// The routes, with their dependencies passed in; tests use it with the real publisher and repository.
func buildRouter(
    publisher: some ReviewPublisher,
    repository: some ResultsRepository,
    live: LiveResults,
    accounts: Accounts,
    simulations: SimulationRunner,
    profile: ProfileController,
    configuration: APIServerConfiguration,
    registry: PrometheusCollectorRegistry,
    maxBodyBytes: Int,
    readiness: @escaping @Sendable () async -> String?,
    readsReadiness: @escaping @Sendable () async -> String? = { nil }
) -> Router<APIRequestContext> {
    let router = Router(context: APIRequestContext.self)
    router.middlewares.add(LogRequestsMiddleware(.debug))
    router.middlewares.add(MetricsMiddleware())
    router.middlewares.add(SecurityHeadersMiddleware())
    router.middlewares.add(AllowedOriginsCORS(origins: Set(configuration.corsOrigins)))
    router.middlewares.add(JSONErrorMiddleware())
    router.middlewares.add(DatabaseErrorMiddleware())
    router.middlewares.add(SessionAuthenticator(sessions: accounts.sessions, users: accounts.users, allowedOrigins: Set(configuration.corsOrigins)))
    router.get("/api/ping") { _, _ in "pong" }
    OperationalRoutes.add(to: router, registry: registry, readiness: readiness, partReadiness: ["reads": readsReadiness])
    ReviewController(publisher: publisher, validator: ReviewValidator(), maxBodyBytes: maxBodyBytes, repository: repository,
                     anonymousReviews: configuration.anonymousReviews)
        .addRoutes(to: router)
    AccountController(users: accounts.users, sessions: accounts.sessions, throttle: accounts.throttle, hasher: accounts.hasher,
                      allowRegistration: configuration.allowRegistration, trustForwardedFor: configuration.trustForwardedFor)
        .addRoutes(to: router)
    SimulationController(runner: simulations).addRoutes(to: router)
    profile.addRoutes(to: router)
    ResultsController(repository: repository, live: live,
                      streams: EventStreamLimiter(perClient: configuration.maxStreamsPerClient, total: configuration.maxStreams),
                      trustForwardedFor: configuration.trustForwardedFor)
        .addRoutes(to: router)
    return router
}
