import HTTPTypes
import Hummingbird

/// The browser's copy of the session token: `HttpOnly` (page scripts cannot read it), `SameSite=Strict` (other sites
/// cannot make the browser send it), `Path=/`, and `Secure` when the client reached us over TLS.
enum SessionCookie {
    static let name = "session"

    static func issued(_ token: SessionToken, maxAge: Int, secure: Bool) -> Cookie {
        Cookie(name: name, value: token.value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// An expired cookie with the same attributes, which makes the browser drop its copy.
    static func cleared(secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// Whether the client's connection was TLS: the gateway (or a TLS-terminating proxy in front of it) says so in
    /// `X-Forwarded-Proto`.
    static func isSecure(_ request: Request) -> Bool {
        request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }
}
