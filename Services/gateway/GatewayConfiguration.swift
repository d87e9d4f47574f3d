import Logging

/// Everything the gateway needs to start, parsed from flags and environment by ``GatewayCommand``.
struct GatewayConfiguration: Sendable {
    var host = "127.0.0.1"
    var port = 8080
    /// Port of its own for `/metrics` (Prometheus scrapes it inside the cluster), so the public port never serves the
    /// services' internals; nil serves `/metrics` on `port` (tests).
    var metricsPort: Int?
    /// Folder holding the dashboard build (`index.html`, assets and their precompressed `.gz` siblings).
    var staticDirectory = "Services/dashboard/dist"
    var upstreams: [Upstream] = [Upstream("http://127.0.0.1:3001")!]
    /// When set, the upstreams are the addresses this name resolves to (``UpstreamDiscovery``), not `upstreams`.
    var upstreamDiscovery: UpstreamDiscovery.Target? = nil
    /// Time between two resolutions of `upstreamDiscovery`.
    var discoveryInterval: Duration = .seconds(5)
    var balancing: BalancingStrategy = .leastConnections
    /// Time between two active health checks of every upstream.
    var healthInterval: Duration = .seconds(1)
    /// How long one health check may take before it counts as failed.
    var healthTimeout: Duration = .seconds(1)
    /// Path asked by the health check; the api-server answers 200 on `/ready` once it reaches its database.
    var healthPath = "/ready"
    /// Failed health checks in a row that take an upstream out of the pool; one success brings it back.
    var failuresBeforeEjection = 2
    /// Longest wait for an upstream's response head; a streamed body has no time limit.
    var upstreamTimeout: Duration = .seconds(30)
    /// Connections kept per upstream. Each open event stream holds one for its whole life, so this is large.
    var upstreamConnections = 1024
    /// Largest request body passed to an upstream: 64 KiB of review plus the JSON around it.
    /// A review POST at the api-server's limit must pass (ReviewContracts' `ReviewLimits.maxBodyBytes`; the
    /// gateway tests check they agree).
    var maxBodyBytes = 64 * 1024
    /// Sustained requests per second allowed per client address; 0 turns rate limiting off.
    var rateLimit: Double = 200
    /// Requests a client may send at once before the sustained rate applies.
    var burst: Double = 400
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    var trustForwardedFor = false
    /// How long an upstream's answer to a hot GET is reused; zero turns the cache off.
    var cacheTTL: Duration = .milliseconds(250)
    /// Paths (prefixes) whose GETs may be cached: the result lists and the summary, which change once per commit.
    var cachePaths = ["/api/results/", "/api/v1/summary"]
    /// Answer cache hits in the connection's pipeline (``FastPathHandler``) rather than through Hummingbird's router.
    var cacheFastPath = true
    /// Proxy ordinary `/api/` requests in the connection's pipeline (``PipelineProxy``) rather than through the router.
    var proxyFastPath = true
    var logLevel: Logger.Level = .info
    /// Seconds an idle keep-alive connection stays open.
    var idleTimeoutSeconds = 60
    /// Open event streams allowed per client address and in all.
    var maxStreamsPerClient = 8
    var maxStreams = 5000
    /// The query parameters that make a cached GET different; others are left out of the cache key, so adding
    /// `?x=1` cannot send each request upstream.
    var cacheQueryParameters: Set<String> = ["limit"]
}
