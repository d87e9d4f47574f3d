import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A small api-server stand-in on an ephemeral loopback port: `/ready`, `/api/whoami` (its name), `/api/results/tick`
/// and `/api/results/private` (its name and how often the path was asked; the second with `Cache-Control: no-store`), `/api/v1/stream`
/// (`?events=` server-sent events, default ten, one every 100 ms), `POST /api/echo`, and a JSON 404 naming itself for anything else.
/// It can be stopped and started again on the same port.
/// Unchecked Sendable: every mutable field is behind `lock`.
final class TestUpstream: @unchecked Sendable {
    let name: String
    private let lock = NSLock()
    private var _port = 0
    private var requests: [String: Int] = [:]
    private var openStreams = 0
    private var running: (group: ServiceGroup, task: Task<Void, any Error>)?
    /// While stopped, a socket bound to the port but not listening: connecting is refused, as it should be, and the
    /// port cannot be handed to another test's server meanwhile (tests run in parallel and bind ephemeral ports).
    private var placeholder: Int32?

    init(name: String) {
        self.name = name
    }

    var port: Int { lock.withLock { _port } }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Requests seen for `path`, in any method.
    func requestCount(_ path: String) -> Int { lock.withLock { requests[path, default: 0] } }
    /// Event streams currently being written.
    var activeStreams: Int { lock.withLock { openStreams } }

    /// Starts listening: on a new ephemeral port the first time, on the same port after ``stop()``.
    func start() async throws {
        if let fd = lock.withLock({ defer { placeholder = nil }; return placeholder }) { close(fd) }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "upstream-\(name)")
        logger.logLevel = .warning
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else { throw CancellationError() }
        lock.withLock {
            _port = bound
            running = (group, task)
        }
    }

    /// Stops listening and waits until the server is down.
    func stop() async {
        guard let (group, task) = lock.withLock({ defer { running = nil }; return running }) else { return }
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return }
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if bound == 0 { lock.withLock { placeholder = fd } } else { close(fd) }
    }

    deinit {
        if let placeholder { close(placeholder) }
    }

    private func count(_ path: String) {
        lock.withLock { requests[path, default: 0] += 1 }
    }

    private func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: UpstreamRecorder(upstream: self))
        router.get("/ready") { _, _ in "ready" }
        router.get("/api/whoami") { [name] _, _ in name }
        router.post("/api/echo") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: body))
        }
        // Cacheable by the gateway: each answer names the upstream and how many times this path was asked.
        router.get("/api/results/tick") { [self] request, _ -> String in
            "\(name) \(requestCount(request.uri.path))"
        }
        router.get("/api/results/private") { [self] request, _ -> Response in
            Response(status: .ok, headers: [.cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: "\(name) \(requestCount(request.uri.path))")))
        }
        // Answers "slow" after `ms` milliseconds: a request that is still in flight when the next one arrives.
        router.get("/api/slow") { request, _ -> String in
            try await Task.sleep(for: .milliseconds(request.uri.queryParameters.get("ms", as: Int.self) ?? 200))
            return "slow"
        }
        router.get("/api/headers") { request, _ -> String in
            request.headers.map { "\($0.name.canonicalName): \($0.value)" }.joined(separator: "\n")
        }
        router.get("/api/v1/stream") { [self] request, _ -> Response in
            let events = request.uri.queryParameters.get("events", as: Int.self) ?? 10
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    self.lock.withLock { self.openStreams += 1 }
                    defer { self.lock.withLock { self.openStreams -= 1 } }
                    for number in 0..<events {
                        try await writer.write(ByteBuffer(string: "data: \(number)\n\n"))
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    try await writer.finish(nil)
                }
            )
        }
        return router
    }

    /// Counts every request and answers unknown routes with a JSON 404 that names this upstream, as the api-server's
    /// JSON error middleware would.
    private struct UpstreamRecorder: RouterMiddleware {
        let upstream: TestUpstream

        func handle(_ request: Request, context: BasicRequestContext, next: (Request, BasicRequestContext) async throws -> Response) async throws -> Response {
            upstream.count(request.uri.path)
            do {
                return try await next(request, context)
            } catch let error as HTTPError where error.status == .notFound {
                return Response(
                    status: .notFound,
                    headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: #"{"error":"not_found","detail":"no route on \#(upstream.name)"}"#))
                )
            }
        }
    }
}
