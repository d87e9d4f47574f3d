import Foundation
import HTTPTypes
import Hummingbird

/// Puts the browser-hardening headers on every response, errors included, and refuses a path with a NUL byte (raw
/// or `%00`) with 400 before any route or file lookup sees it.
///
/// The dashboard loads only its own scripts, styles and API, so the content security policy is `'self'` throughout:
/// an injected script tag or a foreign stylesheet does not run, and no other site may frame the pages.
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public static var contentSecurityPolicy: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            if Self.hasNUL(request.uri.path) {
                throw APIError(.badRequest, "invalid_path", "The path contains a NUL byte.")
            }
            response = try await next(request, context)
        } catch let error as HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        Self.harden(&response.headers)
        return response
    }

    /// Adds the headers to `headers` (also used by handlers that answer outside the router).
    public static func harden(_ headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "same-origin"
        headers[.xFrameOptions] = "DENY"
    }

    static func hasNUL(_ path: String) -> Bool {
        path.utf8.contains(0) || path.range(of: "%00") != nil
    }
}

extension HTTPField.Name {
    public static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    public static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
}
