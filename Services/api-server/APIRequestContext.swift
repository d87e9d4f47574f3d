import Hummingbird
import NIOCore
import ReviewContracts
import ServiceSupport

/// The api-server's request context: Hummingbird's core storage plus who is asking.
///
/// ``SessionAuthenticator`` fills in ``user`` from the session cookie or an `Authorization: Bearer` token; handlers
/// check it with ``requireUser()`` and ``requireAdmin()``.
struct APIRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The TCP peer: the gateway in the deployed system, or a client connecting directly.
    let remoteAddress: SocketAddress?
    /// The logged-in account, if the request carried a valid session.
    var user: User?
    /// The session the request was authenticated with (its hashed token is the `_id`).
    var session: Session?
    /// Whether the session came from the cookie (a browser) rather than a bearer token (a script): only cookie
    /// requests can be forged by another site, so only they get the `Origin` check.
    var authenticatedByCookie = false

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The logged-in user, or a 401.
    func requireUser() throws -> User {
        guard let user else { throw APIError(.unauthorized, "unauthorized", "Log in first (POST /api/v1/login), then send the session cookie or an Authorization: Bearer token.") }
        return user
    }

    /// The logged-in admin, or a 401 (not logged in) or 403 (logged in without the admin role).
    func requireAdmin() throws -> User {
        let user = try requireUser()
        guard user.role == .admin else { throw APIError(.forbidden, "forbidden", "Only an admin may do this.") }
        return user
    }
}
