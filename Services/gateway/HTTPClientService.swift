import AsyncHTTPClient
import ServiceLifecycle

/// Owns the gateway's one shared `HTTPClient` and shuts it down when the service group stops.
///
/// Added before the HTTP server in the application's services, so the group stops it after the server: requests
/// still being answered during the server's drain keep a working client.
struct HTTPClientService: Service {
    let client: HTTPClient

    func run() async throws {
        // Returns on graceful shutdown, throws on cancellation; the client is shut down either way.
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
