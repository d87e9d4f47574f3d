import Hummingbird
import Prometheus

/// `/health`, `/ready` and `/metrics`, served by every service.
public enum OperationalRoutes {
    /// - Parameters:
    ///   - registry: the Prometheus registry returned by ``Observability/bootstrap(format:level:)``; tests pass a fresh one.
    ///   - readiness: returns nil when ready, or the reason the service cannot take traffic yet.
    ///   - partReadiness: readiness of single parts, served at `/ready/<name>` (the api-server's `reads`: a service
    ///     can be ready for some traffic and not for all).
    ///   - metrics: whether `/metrics` is served here too.
    public static func add<Context: RequestContext>(
        to router: Router<Context>,
        registry: PrometheusCollectorRegistry,
        readiness: @escaping @Sendable () async -> String?,
        partReadiness: [String: @Sendable () async -> String?] = [:],
        metrics: Bool = true
    ) {
        router.get("/health") { _, _ in "ok" }
        router.get("/ready") { _, _ -> Response in try await answer(readiness) }
        for (name, check) in partReadiness {
            router.get("/ready/\(name)") { _, _ -> Response in try await answer(check) }
        }
        if metrics { addMetrics(to: router, registry: registry) }
    }

    /// `/metrics` alone: for a service that serves it on a port of its own (the gateway, whose main port is public).
    public static func addMetrics<Context: RequestContext>(to router: Router<Context>, registry: PrometheusCollectorRegistry) {
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
            )
        }
    }

    private static func answer(_ readiness: @Sendable () async -> String?) async throws -> Response {
        if let reason = await readiness() {
            throw APIError(.serviceUnavailable, "not_ready", reason)
        }
        return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ready")))
    }
}
