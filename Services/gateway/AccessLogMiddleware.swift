import Hummingbird
import Logging

/// Writes one log line per request once its response has been sent: method, path, status, body bytes, time in ms,
/// the upstream that answered and the request ID.
///
/// It sits outside the JSON error middleware and turns the errors it sees into their responses, so failed requests
/// are logged with the status and size the client actually got.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            log(request, context: context, status: 500, bytes: 0, since: start, error: error)
            throw error
        }
        let status = Int(response.status.code)
        let original = response.body
        let logger = self.logger
        response.body = ResponseBody(contentLength: original.contentLength) { writer in
            let counter = ByteCounter()
            do {
                try await original.write(writer.map { buffer in
                    counter.add(buffer.readableBytes)
                    return buffer
                })
                Self.log(logger, request, context: context, status: status, bytes: counter.total, since: start, error: nil)
            } catch {
                Self.log(logger, request, context: context, status: status, bytes: counter.total, since: start, error: error)
                throw error
            }
        }
        return response
    }

    private func log(_ request: Request, context: Context, status: Int, bytes: Int, since start: ContinuousClock.Instant, error: (any Error)?) {
        Self.log(logger, request, context: context, status: status, bytes: bytes, since: start, error: error)
    }

    private static func log(
        _ logger: Logger, _ request: Request, context: Context, status: Int, bytes: Int,
        since start: ContinuousClock.Instant, error: (any Error)?
    ) {
        AccessLog.write(
            to: logger, method: request.method, path: request.uri.path, status: status, bytes: bytes, since: start,
            client: context.peerAddress, upstream: context.trace.upstream, requestID: context.trace.requestID, error: error
        )
    }
}

/// The access log's line, written by the middleware for requests Hummingbird handles and by ``FastPathHandler`` for
/// those it answers from the cache.
enum AccessLog {
    static func write(
        to logger: Logger, method: HTTPRequest.Method, path: String, status: Int, bytes: Int, since start: ContinuousClock.Instant,
        client: String?, upstream: String?, requestID: String?, error: (any Error)? = nil
    ) {
        // Only built when the line is written; plain conversions rather than interpolation, as this runs per request.
        guard logger.logLevel <= .info else { return }
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let tenths = Int((milliseconds * 10).rounded())
        var metadata: Logger.Metadata = [
            "method": .string(method.rawValue),
            "path": .string(path),
            "status": .string(String(status)),
            "bytes": .string(String(bytes)),
            "ms": .string(String(tenths / 10) + "." + String(tenths % 10)),
            "client": .string(client ?? "-"),
        ]
        if let upstream { metadata["upstream"] = .string(upstream) }
        if let requestID { metadata["request_id"] = .string(requestID) }
        if let error { metadata["error"] = "\(error)" }
        logger.info("request", metadata: metadata)
    }
}
