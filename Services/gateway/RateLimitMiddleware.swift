import Hummingbird
import ServiceSupport

/// Refuses requests beyond each client's rate with 429 and `Retry-After`, except the operational routes, which
/// probes and Prometheus must always reach.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let limiter: ClientRateLimiter
    let trustForwardedFor: Bool
    let metrics: GatewayMetrics

    static let exemptPaths: Set<String> = ["/health", "/ready", "/metrics"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !Self.exemptPaths.contains(request.uri.path) else { return try await next(request, context) }
        let client = ProxyHeaders.clientAddress(peer: context.peerAddress, fields: request.headers, trustForwardedFor: trustForwardedFor)
        switch limiter.admit(client ?? "unknown") {
        case .allowed:
            return try await next(request, context)
        case .limited(let retryAfter):
            metrics.recordRateLimited()
            var response = try Self.error(retryAfter: retryAfter).response(from: request, context: context)
            response.headers[.retryAfter] = String(retryAfter)
            return response
        }
    }

    static func error(retryAfter: Int) -> APIError {
        APIError(.tooManyRequests, "rate_limited", "Too many requests from this address; retry in \(retryAfter) s.")
    }
}
