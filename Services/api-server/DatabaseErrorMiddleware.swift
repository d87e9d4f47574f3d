import Hummingbird
import Mongo
import ServiceSupport

/// Answers 503 with a JSON reason when the database cannot be reached or fails, instead of a bare 500: reads
/// recover by themselves once it is back, and review intake (which needs only the broker) is unaffected.
struct DatabaseErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as MongoError {
            context.logger.warning("database request failed", metadata: ["error": "\(error)"])
            throw APIError(.serviceUnavailable, "database_unavailable", "The results database is not answering; retry shortly. Reviews are still accepted.")
        }
    }
}
