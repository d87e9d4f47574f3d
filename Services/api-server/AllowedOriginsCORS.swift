import HTTPTypes
import Hummingbird

/// CORS for the listed origins only (`CORS_ORIGINS`); with none listed, no CORS headers at all, so browsers keep other
/// sites' pages from reading our answers. The dashboard is served by the gateway from the same origin and needs none.
struct AllowedOriginsCORS<Context: RequestContext>: RouterMiddleware {
    let origins: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !origins.isEmpty, let origin = request.headers[.origin], origins.contains(origin) else {
            return try await next(request, context)
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return Response(status: .noContent, headers: [
                .accessControlAllowOrigin: origin,
                .accessControlAllowCredentials: "true",
                .accessControlAllowMethods: "GET, POST, OPTIONS",
                .accessControlAllowHeaders: "Content-Type, Authorization, Idempotency-Key",
                .accessControlMaxAge: "600",
                .vary: "Origin",
            ])
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlAllowCredentials] = "true"
        response.headers.append(HTTPField(name: .vary, value: "Origin"))
        return response
    }
}
