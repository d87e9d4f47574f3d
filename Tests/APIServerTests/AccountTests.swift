import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Mongo
import Prometheus
import ReviewContracts
import Testing

@testable import APIServer

/// Login, sessions, registration and throttling, against the real database.
@Suite("accounts and sessions")
struct AccountTests {
    static func fields(_ response: TestResponse) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(buffer: response.body))
    }

    @Test func loginGivesAStrictHttpOnlyCookieAndATokenStoredOnlyAsItsHash() async throws {
        let fixture = AccountFixture()
        defer { Task { await fixture.drop() } }
        try await fixture.addUser("Alice", password: "correct horse battery")
        let app = try await buildApplication(fixture.configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            // The username is matched without regard to case.
            let response = try await client.postJSON("/api/v1/login", #"{"username": "alice", "password": "correct horse battery"}"#)
            #expect(response.status == .ok)
            let cookie = try #require(response.headers[.setCookie])
            let body = json(response)
            let token = try #require(body["token"] as? String)
            #expect(token.utf8.count == 43)  // 256 random bits, base64url
            #expect(cookie.hasPrefix("session=\(token)"))
            for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=604800"] { #expect(cookie.contains(attribute)) }
            #expect(!cookie.contains("Secure"))
            #expect((body["user"] as? [String: Any])?["username"] as? String == "Alice")
            #expect((body["user"] as? [String: Any])?["role"] as? String == "user")
            #expect(!String(buffer: response.body).contains("$2b$"))

            let stored = try await fixture.database.collection(AccountCollections.sessions).find([:])
            #expect(stored.count == 1)
            #expect(stored.first?["_id"]?.stringValue == SessionToken(value: token).hash)
            #expect(!stored.first!.extendedJSON().contains(token))
            let expires = try #require(stored.first?["expiresAt"])
            guard case .date(let date) = expires else { Issue.record("expiresAt is not a date"); return }
            #expect(abs(date.timeIntervalSinceNow - 7 * 24 * 3600) < 60)

            let current = try await client.execute(uri: "/api/v1/session", method: .get, headers: bearer(token))
            #expect((json(current)["user"] as? [String: Any])?["username"] as? String == "Alice")
            let nobody = try await client.execute(uri: "/api/v1/session", method: .get)
            #expect(nobody.status == .ok)
            #expect(String(buffer: nobody.body) == #"{"user":null}"#)
            let me = try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer(token))
            #expect(me.status == .ok)
            #expect(json(me)["username"] as? String == "Alice")
            let byCookie = try await client.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: "session=\(token)"])
            #expect(byCookie.status == .ok)

            let logout = try await client.execute(uri: "/api/v1/logout", method: .post, headers: bearer(token))
            #expect(logout.status == .noContent)
            #expect(logout.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await fixture.database.collection(AccountCollections.sessions).countDocuments() == 0)
            let after = try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer(token))
            #expect(after.status == .unauthorized)
            #expect(json(after)["error"] as? String == "invalid_token")
            let anonymous = try await client.execute(uri: "/api/v1/me", method: .get)
            #expect(anonymous.status == .unauthorized)
            #expect(json(anonymous)["error"] as? String == "unauthorized")
        }
    }

    @Test func theCookieIsSecureWhenTheClientCameOverTLS() async throws {
        let fixture = AccountFixture()
        defer { Task { await fixture.drop() } }
        try await fixture.addUser("tls-user", password: "correct horse battery")
        let app = try await buildApplication(fixture.configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let response = try await client.postJSON("/api/v1/login", #"{"username": "tls-user", "password": "correct horse battery"}"#,
                                                     headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
            #expect(response.headers[.setCookie]?.contains("Secure") == true)
        }
    }

    @Test func wrongUserAndWrongPasswordGetTheSame401InAboutTheSameTime() async throws {
        let fixture = AccountFixture()
        defer { Task { await fixture.drop() } }
        try await fixture.addUser("bob", password: "correct horse battery")
        let app = try await buildApplication(fixture.configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let clock = ContinuousClock()
            var wrongPassword: TestResponse?
            let passwordTime = try await clock.measure {
                wrongPassword = try await client.postJSON("/api/v1/login", #"{"username": "bob", "password": "not the password"}"#)
            }
            var noSuchUser: TestResponse?
            let userTime = try await clock.measure {
                noSuchUser = try await client.postJSON("/api/v1/login", #"{"username": "nobody-here", "password": "not the password"}"#)
            }
            #expect(wrongPassword?.status == .unauthorized)
            #expect(noSuchUser?.status == .unauthorized)
            #expect(try AccountTests.fields(wrongPassword!) == AccountTests.fields(noSuchUser!))
            #expect(json(noSuchUser!)["error"] as? String == "invalid_credentials")
            // Both paths run one bcrypt check at the same cost; an unknown name must not answer in a fraction of the time.
            let ratio = Double(userTime.components.attoseconds / 1_000_000 + userTime.components.seconds * 1_000_000_000_000)
                / Double(passwordTime.components.attoseconds / 1_000_000 + passwordTime.components.seconds * 1_000_000_000_000)
            #expect(ratio > 0.5 && ratio < 2, "unknown user \(userTime), wrong password \(passwordTime)")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func tenFailuresForAUsernameLockItWith429AndRetryAfter() async throws {
        let fixture = AccountFixture()
        defer { Task { await fixture.drop() } }
        try await fixture.addUser("carol", password: "correct horse battery")
        let app = try await buildApplication(fixture.configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            for attempt in 0..<10 {
                // From different clients, so only the username's count reaches the limit.
                let response = try await client.postJSON("/api/v1/login", #"{"username": "carol", "password": "guess \#(attempt)"}"#,
                                                         headers: [HTTPField.Name("X-Forwarded-For")!: "10.1.0.\(attempt)"])
                #expect(response.status == .unauthorized)
            }
            // Even the right password is refused now, before any check.
            let locked = try await client.postJSON("/api/v1/login", #"{"username": "CAROL", "password": "correct horse battery"}"#,
                                                   headers: [HTTPField.Name("X-Forwarded-For")!: "10.1.0.99"])
            #expect(locked.status == .tooManyRequests)
            #expect(json(locked)["error"] as? String == "too_many_failed_logins")
            let retryAfter = try #require(locked.headers[.retryAfter].flatMap { Int($0) })
            #expect((850...900).contains(retryAfter))
            // Another account from the same clients is unaffected.
            try await fixture.addUser("dave", password: "correct horse battery")
            #expect(try await client.login("dave", "correct horse battery", client: "10.1.0.1").token.count == 43)
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func tenFailuresFromOneClientLockThatClientForEveryUsername() async throws {
        let fixture = AccountFixture()
        defer { Task { await fixture.drop() } }
        try await fixture.addUser("erin", password: "correct horse battery")
        let app = try await buildApplication(fixture.configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let attacker: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "192.0.2.7"]
            for attempt in 0..<10 {
                let response = try await client.postJSON("/api/v1/login", #"{"username": "user\#(attempt)", "password": "guess"}"#, headers: attempt == 3 ? [HTTPField.Name("X-Forwarded-For")!: "203.0.113.1, 192.0.2.7"] : attacker)
                #expect(response.status == .unauthorized)
            }
            let locked = try await client.postJSON("/api/v1/login", #"{"username": "erin", "password": "correct horse battery"}"#, headers: attacker)
            #expect(locked.status == .tooManyRequests)
            #expect(locked.headers[.retryAfter] != nil)
            // Another client logs into the same account.
            #expect(try await client.login("erin", "correct horse battery", client: "198.51.100.2").token.count == 43)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func sessionsExpireAfterTheirLifetimeUnlessUsed() async throws {
        // Generous against a loaded machine: a request may take seconds when the whole suite runs on two cores.
        let fixture = AccountFixture { $0.sessionLifetime = 8 }
        defer { Task { await fixture.drop() } }
        try await fixture.addUser("frank", password: "correct horse battery")
        let app = try await buildApplication(fixture.configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let idle = try await client.login("frank", "correct horse battery")
            let active = try await client.login("frank", "correct horse battery")
            // Used every 2 s for 12 s, longer than the lifetime: the expiry slides along.
            for _ in 0..<6 {
                try await Task.sleep(for: .seconds(2))
                #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer(active.token)).status == .ok)
            }
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer(idle.token)).status == .unauthorized)
            // A stale cookie is ignored rather than refused: the public pages stay readable.
            let stale = try await client.execute(uri: "/api/v1/me", method: .get, headers: [.cookie: idle.cookie])
            #expect(json(stale)["error"] as? String == "unauthorized")
        }
    }

    @Test func registrationIsOffByDefault() async throws {
        let fixture = AccountFixture()
        defer { Task { await fixture.drop() } }
        let app = try await buildApplication(fixture.configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let response = try await client.postJSON("/api/v1/register", #"{"username": "mallory", "password": "correct horse battery"}"#)
            #expect(response.status == .forbidden)
            #expect(json(response)["error"] as? String == "registration_disabled")
        }
        #expect(try await fixture.database.collection(AccountCollections.users).countDocuments() == 0)
    }

    @Test(arguments: [
        (#"{"username": "Gina", "password": "correct horse battery", "displayName": "Gina G"}"#, 201, nil),
        (#"{"username": "gina", "password": "another good password"}"#, 409, "username_taken"),
        (#"{"username": "x", "password": "correct horse battery"}"#, 422, "invalid_username"),
        (#"{"username": "has space", "password": "correct horse battery"}"#, 422, "invalid_username"),
        (#"{"username": "henry", "password": "short"}"#, 422, "weak_password"),
        (#"{"username": "henry", "password": "\#(String(repeating: "p", count: 73))"}"#, 422, "weak_password"),
        (#"{"username": "henry"}"#, 422, "missing_field"),
        (#"{"username": 7, "password": "correct horse battery"}"#, 422, "wrong_type"),
        ("{not json", 400, "invalid_json"),
    ] as [(String, Int, String?)])
    func registrationWhenOnCreatesUsersAndRejectsBadInput(body: String, status: Int, reason: String?) async throws {
        let fixture = AccountFixture { $0.allowRegistration = true }
        defer { Task { await fixture.drop() } }
        let app = try await buildApplication(fixture.configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            if reason == "username_taken" {
                _ = try await client.postJSON("/api/v1/register", #"{"username": "GINA", "password": "correct horse battery"}"#)
            }
            let response = try await client.postJSON("/api/v1/register", body)
            #expect(response.status.code == status)
            if let reason {
                #expect(json(response)["error"] as? String == reason)
                #expect((json(response)["detail"] as? String)?.isEmpty == false)
            } else {
                #expect((json(response)["user"] as? [String: Any])?["role"] as? String == "user")
                #expect((json(response)["user"] as? [String: Any])?["displayName"] as? String == "Gina G")
                let token = try #require(json(response)["token"] as? String)
                #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer(token)).status == .ok)
                let stored = try await UserStore(database: fixture.database).user(named: "gina")
                #expect(stored?.passwordHash.hasPrefix("$2b$12$") == true)
            }
        }
    }

    @Test func oversizedLoginBodiesGet413() async throws {
        let fixture = AccountFixture()
        defer { Task { await fixture.drop() } }
        let app = try await buildApplication(fixture.configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let response = try await client.postJSON("/api/v1/login", #"{"username": "a", "password": "\#(String(repeating: "x", count: 5000))"}"#)
            #expect(response.status == .contentTooLarge)
            #expect(json(response)["error"] as? String == "body_too_large")
        }
    }
}
