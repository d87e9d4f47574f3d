import ArgumentParser
import NIOCore
import Hummingbird
import Logging
import ServiceSupport
import Settings

@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Serves the dashboard and reverse-proxies /api/ to the api-servers, with health checks, retries and rate limiting.",
        discussion: """
            Static files come from --static-dir (precompressed .gz siblings are served to clients accepting gzip; any \
            other path that is not a file gets index.html). Requests under /api/ go to a healthy upstream, chosen by \
            --balance; an upstream leaves the pool after 2 failed health checks in a row or a failed connection, and \
            returns after 1 passing check. GETs of the result lists and the summary are answered from memory for \
            --cache-ttl-ms after an upstream answered them (X-Cache: HIT or MISS says which). Every option can also be \
            set from the environment variable named in its help; a flag wins over the environment.
            """
    )

    @Option(help: "Address to listen on [env: HOST].")
    var host = EnvironmentDefault.string("HOST", "127.0.0.1")
    @Option(help: "Port to listen on [env: PORT].")
    var port = EnvironmentDefault.int("PORT", 8080)
    @Option(help: "Port of its own for /metrics, which the public port does not serve; 0 serves it on --port [env: METRICS_PORT].")
    var metricsPort = EnvironmentDefault.int("METRICS_PORT", 9466)
    @Option(help: "Folder with the dashboard build [env: STATIC_DIR].")
    var staticDir = EnvironmentDefault.string("STATIC_DIR", "Services/dashboard/dist")
    @Option(name: .customLong("upstream"), help: "An api-server base URL; repeat for several [env: UPSTREAMS, comma-separated].")
    var upstreams: [String] = EnvironmentDefault.string("UPSTREAMS", "http://127.0.0.1:3001").split(separator: ",").map(String.init)
    @Option(
        name: .customLong("upstream-dns"),
        help: ArgumentHelp(
            "Discover the api-servers from a DNS name, e.g. a headless Service: every address it resolves to on this port is an upstream, re-resolved every --upstream-dns-interval seconds; replaces --upstream [env: UPSTREAM_DNS].",
            valueName: "name:port"
        )
    )
    var upstreamDNS = EnvironmentDefault.string("UPSTREAM_DNS", "")
    @Option(help: "Seconds between two resolutions of --upstream-dns [env: UPSTREAM_DNS_INTERVAL].")
    var upstreamDNSInterval = EnvironmentDefault.double("UPSTREAM_DNS_INTERVAL", 5)
    @Option(help: "Balancing: round-robin or least-connections [env: BALANCE].")
    var balance = EnvironmentDefault.string("BALANCE", BalancingStrategy.leastConnections.rawValue)
    @Option(help: "Seconds between health checks of each upstream [env: HEALTH_INTERVAL].")
    var healthInterval = EnvironmentDefault.double("HEALTH_INTERVAL", 1)
    @Option(help: "Seconds a health check may take [env: HEALTH_TIMEOUT].")
    var healthTimeout = EnvironmentDefault.double("HEALTH_TIMEOUT", 1)
    @Option(help: "Path a health check asks for, expecting a 2xx [env: HEALTH_PATH].")
    var healthPath = EnvironmentDefault.string("HEALTH_PATH", "/ready")
    @Option(help: "Seconds to wait for an upstream's response head; streamed bodies have no limit [env: UPSTREAM_TIMEOUT].")
    var upstreamTimeout = EnvironmentDefault.double("UPSTREAM_TIMEOUT", 30)
    @Option(help: "Connections kept per upstream; each open event stream holds one [env: UPSTREAM_CONNECTIONS].")
    var upstreamConnections = EnvironmentDefault.int("UPSTREAM_CONNECTIONS", 1024)
    @Option(help: "Largest request body in bytes; larger ones get 413 [env: MAX_BODY_BYTES].")
    var maxBodyBytes = EnvironmentDefault.int("MAX_BODY_BYTES", GatewayConfiguration().maxBodyBytes)
    @Option(help: "Requests per second allowed per client address, 0 for no limit [env: RATE_LIMIT].")
    var rateLimit = EnvironmentDefault.double("RATE_LIMIT", 200)
    @Option(help: "Requests a client may send at once above the rate [env: RATE_BURST].")
    var burst = EnvironmentDefault.double("RATE_BURST", 400)
    @Flag(
        inversion: .prefixedNo,
        help: "Take the client address from X-Forwarded-For; only behind a proxy that sets it [env: TRUST_FORWARDED_FOR, true/false]."
    )
    var trustForwardedFor = EnvironmentDefault.bool("TRUST_FORWARDED_FOR", false)
    @Option(help: "Milliseconds an upstream's answer to a GET on a cached path is reused, 0 for no cache [env: CACHE_TTL_MS].")
    var cacheTTLMs = EnvironmentDefault.int("CACHE_TTL_MS", 250)
    @Option(help: "Path prefixes whose GETs are cached, comma-separated [env: CACHE_PATHS].")
    var cachePaths = EnvironmentDefault.string("CACHE_PATHS", "/api/results/,/api/v1/summary,/api/v1/products/top,/api/v1/accuracy/history")
    @Flag(
        inversion: .prefixedNo,
        help: "Answer cache hits before the router, in the connection's pipeline [env: CACHE_FAST_PATH, true/false]."
    )
    var cacheFastPath = EnvironmentDefault.bool("CACHE_FAST_PATH", true)
    @Flag(
        inversion: .prefixedNo,
        help: "Proxy ordinary /api/ requests before the router, in the connection's pipeline [env: PROXY_FAST_PATH, true/false]."
    )
    var proxyFastPath = EnvironmentDefault.bool("PROXY_FAST_PATH", true)
    @Option(help: """
        Event-loop threads serving connections (nginx's worker_processes); one costs the least CPU per request, more \
        serve more at once on a machine with cores to spare [env: THREADS].
        """)
    var threads = EnvironmentDefault.int("THREADS", 1)
    @OptionGroup(title: "Connections")
    var connections: ConnectionLimitOptions
    @Option(help: "Query parameters that distinguish cached GETs, comma-separated; others are ignored by the cache [env: CACHE_QUERY_PARAMS].")
    var cacheQueryParams = EnvironmentDefault.string("CACHE_QUERY_PARAMS", "limit")
    @OptionGroup(title: "Logging")
    var log: LogOptions

    /// The entry point: request handlers run on NIO's event loops (``EventLoopConcurrency``).
    /// The options are read before the event loops start, as their number is one of them.
    static func main() async {
        var command: GatewayCommand
        do {
            guard let parsed = try parseAsRoot() as? GatewayCommand else { exit(withError: nil) }
            command = parsed
        } catch {
            exit(withError: error)
        }
        NIOSingletons.groupLoopCountSuggestion = command.threads
        EventLoopConcurrency.install()
        do {
            try await command.run()
        } catch {
            exit(withError: error)
        }
    }

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1–65535") }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be 1–256") }
        guard metricsPort == 0 || ((1...65535).contains(metricsPort) && metricsPort != port) else {
            throw ValidationError("--metrics-port must be 0 or 1–65535 and not --port")
        }
        guard BalancingStrategy(rawValue: balance) != nil else { throw ValidationError("--balance must be round-robin or least-connections") }
        if !upstreamDNS.isEmpty {
            guard UpstreamDiscovery.Target(upstreamDNS) != nil else { throw ValidationError("--upstream-dns \(upstreamDNS) is not name:port") }
            guard upstreamDNSInterval > 0 else { throw ValidationError("--upstream-dns-interval must be positive") }
        }
        guard !upstreams.isEmpty else { throw ValidationError("give at least one --upstream") }
        for upstream in upstreams where Upstream(upstream) == nil {
            throw ValidationError("--upstream \(upstream) is not an http(s)://host[:port] URL")
        }
        guard healthInterval > 0, healthTimeout > 0, upstreamTimeout > 0 else { throw ValidationError("intervals and timeouts must be positive") }
        guard upstreamConnections > 0 else { throw ValidationError("--upstream-connections must be positive") }
        guard maxBodyBytes >= 0 else { throw ValidationError("--max-body-bytes must not be negative") }
        guard rateLimit >= 0, burst >= 1 || rateLimit == 0 else { throw ValidationError("--rate-limit must be ≥ 0 and --burst ≥ 1") }
        guard cacheTTLMs >= 0 else { throw ValidationError("--cache-ttl-ms must not be negative") }
        for prefix in cachePathList where !prefix.hasPrefix("/") {
            throw ValidationError("--cache-paths: \(prefix) is not a path (it must start with /)")
        }
    }

    private var cachePathList: [String] {
        cachePaths.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() async throws {
        let registry = try log.bootstrap()
        let configuration = GatewayConfiguration(
            host: host, port: port, metricsPort: metricsPort == 0 ? nil : metricsPort, staticDirectory: staticDir,
            upstreams: upstreams.compactMap(Upstream.init),
            upstreamDiscovery: UpstreamDiscovery.Target(upstreamDNS),
            discoveryInterval: .milliseconds(Int(upstreamDNSInterval * 1000)),
            balancing: BalancingStrategy(rawValue: balance)!,
            healthInterval: .milliseconds(Int(healthInterval * 1000)),
            healthTimeout: .milliseconds(Int(healthTimeout * 1000)),
            healthPath: healthPath,
            upstreamTimeout: .milliseconds(Int(upstreamTimeout * 1000)),
            upstreamConnections: upstreamConnections,
            maxBodyBytes: maxBodyBytes,
            rateLimit: rateLimit,
            burst: burst,
            trustForwardedFor: trustForwardedFor,
            cacheTTL: .milliseconds(cacheTTLMs),
            cachePaths: cachePathList,
            cacheFastPath: cacheFastPath,
            proxyFastPath: proxyFastPath,
            logLevel: log.level,
            idleTimeoutSeconds: connections.idleTimeout,
            maxStreamsPerClient: connections.maxStreamsPerClient,
            maxStreams: connections.maxStreams,
            cacheQueryParameters: Set(cacheQueryParams.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        )
        try await buildApplication(configuration, registry: registry).runService(shutdownGrace: ShutdownGrace.fromEnvironment)
    }
}
