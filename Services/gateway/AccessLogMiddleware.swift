import Hummingbird
import Logging
import ServiceSupport

/// Writes one log line per request once its response has been sent: method, path, status, body bytes, time in ms,
/// the upstream that answered and the request ID.
///
/// It sits outside the JSON error middleware and turns the errors it sees into their responses, so failed requests
/// are logged with the status and size the client actually got.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let accessLog: AccessLog

    init(logger: Logger) {
        accessLog = AccessLog(logger: logger)
    }

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
        let accessLog = self.accessLog
        response.body = ResponseBody(contentLength: original.contentLength) { writer in
            let counter = ByteCounter()
            do {
                try await original.write(writer.map { buffer in
                    counter.add(buffer.readableBytes)
                    return buffer
                })
                Self.log(accessLog, request, context: context, status: status, bytes: counter.total, since: start, error: nil)
            } catch {
                Self.log(accessLog, request, context: context, status: status, bytes: counter.total, since: start, error: error)
                throw error
            }
        }
        return response
    }

    private func log(_ request: Request, context: Context, status: Int, bytes: Int, since start: ContinuousClock.Instant, error: (any Error)?) {
        Self.log(accessLog, request, context: context, status: status, bytes: bytes, since: start, error: error)
    }

    private static func log(
        _ accessLog: AccessLog, _ request: Request, context: Context, status: Int, bytes: Int,
        since start: ContinuousClock.Instant, error: (any Error)?
    ) {
        accessLog.write(
            method: request.method, path: request.uri.path, status: status, bytes: bytes, since: start,
            client: context.peerAddress, upstream: context.trace.upstream, requestID: context.trace.requestID, error: error
        )
    }
}

/// The access log's line, written by the middleware for requests Hummingbird handles and by ``FastPathHandler`` for
/// those it answers from the cache or proxies itself. With the services' own log handler the line is built from the
/// fields in key order, without a metadata dictionary; any other handler gets the same fields as metadata.
struct AccessLog: Sendable {
    let logger: Logger
    private let structured: StructuredLogHandler?

    init(logger: Logger) {
        self.logger = logger
        structured = logger.handler as? StructuredLogHandler
    }

    func write(
        method: HTTPRequest.Method, path: String, status: Int, bytes: Int, since start: ContinuousClock.Instant,
        client: String?, upstream: String?, requestID: String?, error: (any Error)? = nil
    ) {
        // Only built when the line is written; plain conversions rather than interpolation, as this runs per request.
        guard logger.logLevel <= .info else { return }
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let tenths = Int((milliseconds * 10).rounded())
        // In key order, as logfmt lines list their fields.
        var fields: [(key: String, value: String)] = []
        fields.reserveCapacity(9)
        fields.append(("bytes", String(bytes)))
        fields.append(("client", client ?? "-"))
        if let error { fields.append(("error", "\(error)")) }
        fields.append(("method", method.rawValue))
        fields.append(("ms", String(tenths / 10) + "." + String(tenths % 10)))
        fields.append(("path", path))
        if let requestID { fields.append(("request_id", requestID)) }
        fields.append(("status", String(status)))
        if let upstream { fields.append(("upstream", upstream)) }
        if let structured {
            structured.log(level: .info, message: "request", sortedFields: fields)
        } else {
            var metadata: Logger.Metadata = [:]
            for (key, value) in fields { metadata[key] = .string(value) }
            logger.info("request", metadata: metadata)
        }
    }
}
