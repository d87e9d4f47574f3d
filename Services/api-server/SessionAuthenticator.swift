import HTTPTypes
import Hummingbird
import ServiceSupport

/// Finds who is asking: a session token in `Authorization: Bearer` (scripts) or the session cookie (the dashboard)
/// becomes ``APIRequestContext/user``. Requests without either go on anonymously; each handler decides what that may do.
///
/// A bearer token that opens no session is a 401: a script with a stale token should hear so, not be served as
/// anonymous. A stale cookie is ignored, so a logged-out browser still sees the public pages.
///
/// Writes authenticated by the cookie must come from our own pages: a request whose `Origin` is another site (other
/// than those in `CORS_ORIGINS`), or that the browser marks `Sec-Fetch-Site: cross-site`, gets 403 before any handler
/// runs. `SameSite=Strict` already keeps browsers from attaching the cookie; this is the second lock.
struct SessionAuthenticator: RouterMiddleware {
    typealias Context = APIRequestContext

    let sessions: SessionStore
    let users: UserStore
    /// Origins (`scheme://host[:port]`) allowed besides our own.
    let allowedOrigins: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let bearer = Self.bearerToken(in: request) {
            guard let session = try await sessions.session(for: bearer), let user = try await users.user(id: session.userId) else {
                throw APIError(.unauthorized, "invalid_token", "The bearer token opens no session (expired, logged out, or never issued); log in again.")
            }
            context.user = user
            context.session = session
        } else if let cookie = request.cookies[SessionCookie.name]?.value, !cookie.isEmpty,
                  let session = try await sessions.session(for: SessionToken(value: cookie)),
                  let user = try await users.user(id: session.userId) {
            context.user = user
            context.session = session
            context.authenticatedByCookie = true
        }
        if context.authenticatedByCookie, !Self.safeMethods.contains(request.method), !isSameSite(request) {
            throw APIError(.forbidden, "cross_origin", "A cookie-authenticated write must come from this site's own pages.")
        }
        return try await next(request, context)
    }

    static let safeMethods: Set<HTTPRequest.Method> = [.get, .head, .options]

    /// The token from `Authorization: Bearer <token>`, if present.
    static func bearerToken(in request: Request) -> SessionToken? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return SessionToken(value: parts[1].trimmingCharacters(in: .whitespaces))
    }

    private func isSameSite(_ request: Request) -> Bool {
        if let origin = request.headers[.origin] {
            if allowedOrigins.contains(origin) { return true }
            // Our own origin: the host the client asked for, as the gateway passes it on or as it reached us directly.
            guard let host = origin.split(separator: "://", maxSplits: 1).last.map(String.init) else { return false }
            let asked = request.headers[HTTPField.Name("X-Forwarded-Host")!] ?? request.head.authority
            return asked.map { $0.lowercased() == host.lowercased() } ?? false
        }
        return request.headers[HTTPField.Name("Sec-Fetch-Site")!] != "cross-site"
    }
}
