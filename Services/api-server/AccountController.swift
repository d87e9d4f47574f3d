import Foundation
import Hummingbird
import Metrics
import ReviewContracts
import ServiceSupport

/// Logging in and out, the current user, and self-registration (off unless `ALLOW_REGISTRATION=true`).
///
/// - `POST /api/v1/login {username, password}` → 200 `{user, token, expiresAt}` and the session cookie. A wrong
///   username and a wrong password get the same 401 after the same bcrypt work. Ten failures within 15 minutes for a
///   username or from a client → 429 with `Retry-After` until the oldest leaves the window.
/// - `POST /api/v1/logout` → 204, ends the session that sent it and clears the cookie (anonymous: 204 too).
/// - `GET /api/v1/me` → the user, or 401.
/// - `GET /api/v1/session` → `{user}` with the user or null, always 200: the dashboard asks it on every load, and an
///   anonymous visitor is normal, not an error for the browser console.
/// - `POST /api/v1/register {username, password, displayName?}` → 201 like login, as a `user`; 403 when registration is off.
/// Bodies over 4 KiB get 413; malformed JSON 400; missing or mistyped fields, bad usernames and weak passwords 422.
struct AccountController: Sendable {
    let users: UserStore
    let sessions: SessionStore
    let throttle: LoginThrottle
    let hasher: PasswordHasher
    let allowRegistration: Bool
    let trustForwardedFor: Bool

    static let maxBodyBytes = 4096

    func addRoutes(to router: Router<APIRequestContext>) {
        router.post("/api/v1/login") { request, context in
            try await login(request, context: context)
        }
        router.post("/api/v1/logout") { request, context -> Response in
            if let token = SessionAuthenticator.bearerToken(in: request) ?? request.cookies[SessionCookie.name].map({ SessionToken(value: $0.value) }) {
                try await sessions.close(token)
            }
            var response = Response(status: .noContent, headers: [.cacheControl: "no-store"])
            response.setCookie(SessionCookie.cleared(secure: SessionCookie.isSecure(request)))
            return response
        }
        router.get("/api/v1/me") { _, context -> Response in
            let user = try context.requireUser()
            return try Self.json(UserProfile(user), status: .ok)
        }
        router.get("/api/v1/session") { _, context -> Response in
            try Self.json(CurrentSession(user: context.user.map(UserProfile.init)), status: .ok)
        }
        router.post("/api/v1/register") { request, context in
            try await register(request, context: context)
        }
    }

    private func login(_ request: Request, context: APIRequestContext) async throws -> Response {
        let credentials = try await Self.decode(LoginRequest.self, from: request)
        let client = ClientAddress.of(request, context: context, trustForwardedFor: trustForwardedFor)
        if let wait = try await throttle.retryAfter(username: credentials.username, client: client) {
            Self.logins(result: "throttled").increment()
            let error = APIError(.tooManyRequests, "too_many_failed_logins", "Too many failed logins; try again in \(wait) s.")
            var response = try error.response(from: request, context: context)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        // Looked up within the length bcrypt accepts; the dummy hash keeps an unknown name as slow as a known one.
        var user: User?
        if credentials.username.utf8.count <= 64 { user = try await users.user(named: credentials.username) }
        guard try await hasher.verify(credentials.password, against: user?.passwordHash), let user else {
            try await throttle.recordFailure(username: credentials.username, client: client)
            Self.logins(result: "failed").increment()
            context.logger.notice("failed login", metadata: ["client": "\(client ?? "-")"])
            throw APIError(.unauthorized, "invalid_credentials", "Wrong username or password.")
        }
        try await throttle.clear(username: user.username)
        let now = Date()
        try await users.recordLogin(id: user.id, at: now)
        var loggedIn = user
        loggedIn.lastLoginAt = now
        Self.logins(result: "ok").increment()
        return try await startSession(for: loggedIn, request: request, status: .ok)
    }

    private func register(_ request: Request, context: APIRequestContext) async throws -> Response {
        guard allowRegistration else {
            throw APIError(.forbidden, "registration_disabled", "Self-registration is off; an admin adds accounts (api-server users add).")
        }
        let form = try await Self.decode(RegistrationRequest.self, from: request)
        guard User.isValidUsername(form.username) else {
            throw APIError(.unprocessableContent, "invalid_username", "A username has 3–32 characters: letters, digits, '.', '_' or '-', starting with a letter or digit.")
        }
        if let problem = PasswordHasher.problem(with: form.password) {
            throw APIError(.unprocessableContent, "weak_password", problem)
        }
        let displayName = form.displayName?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let displayName, displayName.isEmpty || displayName.count > 64 {
            throw APIError(.unprocessableContent, "invalid_display_name", "A display name has 1–64 characters.")
        }
        let now = Date()
        let user = User(username: form.username, displayName: displayName, role: .user, passwordHash: try await hasher.hash(form.password),
                        createdAt: now, lastLoginAt: now)
        do {
            try await users.create(user)
        } catch is UserStore.UsernameTaken {
            throw APIError(.conflict, "username_taken", "That username is taken.")
        }
        context.logger.info("registered", metadata: ["user": "\(user.id)"])
        return try await startSession(for: user, request: request, status: .created)
    }

    private func startSession(for user: User, request: Request, status: HTTPResponse.Status) async throws -> Response {
        let (token, session) = try await sessions.open(userId: user.id)
        var response = try Self.json(LoginResponse(user: UserProfile(user), token: token.value, expiresAt: session.expiresAt), status: status)
        response.setCookie(SessionCookie.issued(token, maxAge: Int(sessions.lifetime), secure: SessionCookie.isSecure(request)))
        return response
    }

    /// Decodes a small JSON body, mapping each kind of bad input to its 4xx.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maxBodyBytes)
        } catch let error as HTTPResponseError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "body_too_large", "The request body is larger than \(maxBodyBytes) bytes.")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch DecodingError.keyNotFound(let key, _) {
            throw APIError(.unprocessableContent, "missing_field", "The field \"\(key.stringValue)\" is required.")
        } catch DecodingError.valueNotFound(_, let context) {
            throw APIError(.unprocessableContent, "missing_field", "The field \"\(Self.path(context))\" is required.")
        } catch DecodingError.typeMismatch(_, let context) where !context.codingPath.isEmpty {
            throw APIError(.unprocessableContent, "wrong_type", "The field \"\(Self.path(context))\" has the wrong type.")
        } catch DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty {
            // A number that does not fit the field, such as 1.5 for a count.
            throw APIError(.unprocessableContent, "wrong_type", "The field \"\(Self.path(context))\" has the wrong type.")
        } catch {
            throw APIError(.badRequest, "invalid_json", "The body is not a JSON object.")
        }
    }

    static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map(\.stringValue).joined(separator: ".")
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    static func logins(result: String) -> Counter { Counter(label: "api_logins_total", dimensions: [("result", result)]) }
}

struct LoginRequest: Decodable {
    let username: String
    let password: String
}

struct RegistrationRequest: Decodable {
    let username: String
    let password: String
    let displayName: String?
}

/// What the API shows of an account: never the password hash.
struct UserProfile: Codable, Equatable {
    let id: String
    let username: String
    let displayName: String
    let role: UserRole
    let createdAt: Date
    let lastLoginAt: Date?

    init(_ user: User) {
        id = user.id
        username = user.username
        displayName = user.displayName
        role = user.role
        createdAt = user.createdAt
        lastLoginAt = user.lastLoginAt
    }
}

struct CurrentSession: Encodable {
    let user: UserProfile?

    func encode(to encoder: Encoder) throws {
        // `null` rather than an absent key, so the client reads one shape.
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(user, forKey: .user)
    }

    private enum CodingKeys: String, CodingKey { case user }
}

struct LoginResponse: Codable {
    let user: UserProfile
    let token: String
    let expiresAt: Date
}
