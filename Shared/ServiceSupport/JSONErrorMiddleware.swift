import Hummingbird
import NIOHTTP1

/// Turns every error leaving the router, including Hummingbird's own (404 for an unknown route, 413 for a body over
/// the limit), into the project's JSON error shape, so clients never have to parse two formats.
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPParserError {
            // The request broke HTTP's framing while its body was read (a body cut short, a bad chunk size): the
            // client's fault, not the server's.
            throw APIError(.badRequest, "malformed_request", "The request is not valid HTTP/1.1: \(error).")
        } catch let error as HTTPResponseError {
            throw APIError(error.status, Self.reason(for: error.status), (error as? HTTPError)?.body ?? error.status.reasonPhrase)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(error)"])
            throw APIError(.internalServerError, "internal", "The server failed to handle the request.")
        }
    }

    static func reason(for status: HTTPResponse.Status) -> String {
        status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
    }
}
