import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceSupport

/// Builds the gateway: one shared HTTP client, the upstream pool with its health checker, the response cache and rate
/// limiter (shared by the router and the pipeline's ``FastPathHandler``), and the router. The same function serves
/// `main` and the tests.
/// - Parameters:
///   - registry: where `/metrics` reads from; `main` passes the one ``Observability`` bootstrapped.
///   - metricsFactory: where the gateway's own metrics go; tests pass a factory over their own registry.
func buildApplication(
    _ configuration: GatewayConfiguration,
    registry: PrometheusCollectorRegistry,
    metricsFactory: any MetricsFactory = MetricsSystem.factory
) -> some ApplicationProtocol {
    var logger = Logger(label: "gateway")
    logger.logLevel = configuration.logLevel

    var clientConfiguration = HTTPClient.Configuration()
    clientConfiguration.redirectConfiguration = .disallow
    clientConfiguration.decompression = .disabled
    clientConfiguration.httpVersion = .http1Only
    // No read timeout: an event stream may be quiet for long; `upstreamTimeout` bounds the wait for a response head.
    clientConfiguration.timeout = .init(connect: .seconds(2), read: nil)
    clientConfiguration.connectionPool = .init(
        idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.upstreamConnections
    )
    // A refused connection fails the request at once, so it can be retried on another upstream instead of waiting.
    clientConfiguration.connectionPool.retryConnectionEstablishment = false
    let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration)

    let metrics = GatewayMetrics(factory: metricsFactory)
    let pool = UpstreamPool(
        upstreams: configuration.upstreamDiscovery == nil ? configuration.upstreams : [], strategy: configuration.balancing,
        failuresBeforeEjection: configuration.failuresBeforeEjection, metrics: metrics, logger: logger
    )
    let serverName = "gateway"
    var cache: ResponseCache?
    if configuration.cacheTTL > .zero, !configuration.cachePaths.isEmpty {
        var makeHitHead: (@Sendable (HTTPResponse.Status, HTTPFields) -> ByteBuffer)?
        if configuration.cacheFastPath {
            makeHitHead = { status, headers in CachedGETResponder.hitHead(status: status, headers: headers, serverName: serverName) }
        }
        cache = ResponseCache(
            ttl: configuration.cacheTTL, pathPrefixes: configuration.cachePaths, queryParameters: configuration.cacheQueryParameters,
            makeHitHead: makeHitHead
        )
    }
    let limiter = configuration.rateLimit > 0 ? ClientRateLimiter(rate: configuration.rateLimit, burst: max(1, configuration.burst)) : nil
    let connections = UpstreamConnectionPool(group: NIOSingletons.posixEventLoopGroup, maxIdlePerUpstream: configuration.upstreamConnections)
    let router = buildRouter(
        configuration, pool: pool, connections: connections, client: client, cache: cache, limiter: limiter, metrics: metrics, registry: registry, logger: logger
    )
    // Cache hits and ordinary proxied requests are served in the connection's pipeline (FastPathHandler); at least
    // one request per IDLE_TIMEOUT/3 still goes through the router, which keeps Hummingbird's idle clock current.
    var responder: CachedGETResponder?
    if let cache, configuration.cacheFastPath {
        responder = CachedGETResponder(
            cache: cache, limiter: limiter, trustForwardedFor: configuration.trustForwardedFor, metrics: metrics, logger: logger,
            serverName: serverName, metricsFactory: metricsFactory
        )
    }
    var proxy: PipelineProxy?
    if configuration.proxyFastPath {
        proxy = PipelineProxy(
            pool: pool, connections: connections, cache: cache, limiter: limiter, metrics: metrics, logger: logger, serverName: serverName,
            upstreamTimeout: configuration.upstreamTimeout, maxBodyBytes: configuration.maxBodyBytes,
            trustForwardedFor: configuration.trustForwardedFor, metricsFactory: metricsFactory
        )
    }
    var fastPath: @Sendable () -> [any RemovableChannelHandler] = { [] }
    if responder != nil || proxy != nil {
        let routedAtLeastEvery = TimeAmount.seconds(Int64(max(1, configuration.idleTimeoutSeconds / 3)))
        fastPath = { [responder, proxy] in
            [FastPathHandler.Placement(responder: responder, proxy: proxy, routedAtLeastEvery: routedAtLeastEvery)]
        }
    }
    var app = Application(
        router: router,
        server: GuardedHTTP1Channel.server(
            idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds)),
            codec: responder != nil || proxy != nil ? FastPathHandler.codec : GuardedHTTP1Channel.nioCodec, additionalChannelHandlers: fastPath
        ),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: serverName),
        logger: logger
    )
    // The group stops services in reverse order: the server drains first, then the health checker, then the client.
    app.addServices(
        HTTPClientService(client: client),
        connections,
        UpstreamHealthChecker(
            pool: pool, client: client, path: configuration.healthPath,
            interval: configuration.healthInterval, timeout: configuration.healthTimeout, logger: logger
        )
    )
    if let metricsPort = configuration.metricsPort {
        let metricsRouter = Router()
        OperationalRoutes.addMetrics(to: metricsRouter, registry: registry)
        metricsRouter.get("/health") { _, _ in "ok" }
        app.addServices(Application(
            router: metricsRouter,
            configuration: .init(address: .hostname(configuration.host, port: metricsPort), serverName: serverName),
            logger: logger
        ))
    }
    if let target = configuration.upstreamDiscovery {
        // Added last, so it stops first and no upstream joins while the health checker winds down.
        app.addServices(UpstreamDiscovery(target: target, interval: configuration.discoveryInterval, pool: pool, logger: logger))
    }
    logger.info("gateway configured", metadata: [
        "upstreams": "\(configuration.upstreamDiscovery.map { "dns:\($0)" } ?? configuration.upstreams.map(\.baseURL).joined(separator: ","))",
        "balance": "\(configuration.balancing.rawValue)",
        "static_dir": "\(configuration.staticDirectory)",
    ])
    if !FileManager.default.fileExists(atPath: configuration.staticDirectory + "/index.html") {
        logger.warning("no index.html in the static folder; run scripts/local/build-dashboard", metadata: ["static_dir": "\(configuration.staticDirectory)"])
    }
    return app
}

/// The middleware chain and routes. Outermost first: metrics and the access log see every request as the client
/// got it; errors become JSON; the rate limit comes before any work; static files answer what no route does.
func buildRouter(
    _ configuration: GatewayConfiguration,
    pool: UpstreamPool,
    connections: UpstreamConnectionPool,
    client: HTTPClient,
    cache: ResponseCache?,
    limiter: ClientRateLimiter?,
    metrics: GatewayMetrics,
    registry: PrometheusCollectorRegistry,
    logger: Logger
) -> Router<GatewayRequestContext> {
    let router = Router(context: GatewayRequestContext.self)
    router.middlewares.add(MetricsMiddleware())
    router.middlewares.add(AccessLogMiddleware(logger: logger))
    router.middlewares.add(SecurityHeadersMiddleware())
    router.middlewares.add(JSONErrorMiddleware())
    if let limiter {
        router.middlewares.add(RateLimitMiddleware(
            limiter: limiter,
            trustForwardedFor: configuration.trustForwardedFor, metrics: metrics
        ))
    }
    router.middlewares.add(DashboardFilesMiddleware(directory: configuration.staticDirectory, logger: logger))
    OperationalRoutes.add(to: router, registry: registry, readiness: {
        pool.healthyCount > 0 ? nil : "no upstream is healthy"
    }, metrics: configuration.metricsPort == nil)
    APIProxy(
        pool: pool, connections: connections, client: client, metrics: metrics, upstreamTimeout: configuration.upstreamTimeout,
        maxBodyBytes: configuration.maxBodyBytes, trustForwardedFor: configuration.trustForwardedFor,
        cache: cache,
        streams: EventStreamLimiter(perClient: configuration.maxStreamsPerClient, total: configuration.maxStreams)
    ).addRoutes(to: router)
    return router
}
