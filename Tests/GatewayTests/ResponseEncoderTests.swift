import Foundation
import Logging
import Metrics
import NIOCore
import NIOEmbedded
import NIOHTTP1
import ServiceSupport
import Testing

@testable import Gateway

/// ``ResponseEncoder`` against NIO's own HTTP/1 response encoder (paired with its request decoder), and the
/// pipeline ``FastPathHandler/Placement`` builds around it.
@Suite("gateway: response encoder")
struct ResponseEncoderTests {
    /// A response as the parts a server writes.
    struct Case: CustomStringConvertible {
        let name: String
        let method: HTTPMethod
        let parts: [HTTPServerResponsePart]
        var description: String { name }
    }

    static func head(_ status: HTTPResponseStatus, _ headers: [(String, String)] = [], version: HTTPVersion = .http1_1) -> HTTPServerResponsePart {
        .head(HTTPResponseHead(version: version, status: status, headers: HTTPHeaders(headers)))
    }

    static func body(_ text: String) -> HTTPServerResponsePart { .body(.byteBuffer(ByteBuffer(string: text))) }

    static let cases: [Case] = [
        Case(name: "GET, Content-Length", method: .GET,
             parts: [head(.ok, [("Content-Type", "text/plain"), ("Content-Length", "5")]), body("hello"), .end(nil)]),
        Case(name: "GET, no length: chunked", method: .GET, parts: [head(.ok, [("X-A", "1")]), body("hel"), body(""), body("lo"), .end(nil)]),
        Case(name: "GET, chunked with trailers", method: .GET,
             parts: [head(.ok), body("abc"), .end(HTTPHeaders([("Checksum", "x"), ("Other", "y")]))]),
        Case(name: "GET, length and transfer-encoding", method: .GET,
             parts: [head(.ok, [("Transfer-Encoding", "chunked"), ("Content-Length", "2")]), body("ok"), .end(nil)]),
        Case(name: "HEAD, Content-Length", method: .HEAD, parts: [head(.ok, [("Content-Length", "5")]), body("hello"), .end(nil)]),
        Case(name: "HEAD, no length", method: .HEAD, parts: [head(.ok), body("hello"), .end(nil)]),
        Case(name: "204 with a length", method: .DELETE, parts: [head(.noContent, [("Content-Length", "0"), ("X-B", "2")]), .end(nil)]),
        Case(name: "304", method: .GET, parts: [head(.notModified, [("ETag", "\"1\""), ("Transfer-Encoding", "chunked")]), .end(nil)]),
        Case(name: "100 then 201", method: .POST,
             parts: [head(.continue), head(.created, [("Location", "/x")]), body("{}"), .end(nil)]),
        Case(name: "HTTP/1.0, no length", method: .GET, parts: [head(.ok, [("A", "b")], version: .http1_0), body("old"), .end(nil)]),
        Case(name: "custom status", method: .GET,
             parts: [head(.custom(code: 299, reasonPhrase: "Fine Anyway"), [("Content-Length", "1")]), body("x"), .end(nil)]),
        Case(name: "CONNECT", method: .CONNECT, parts: [head(.ok, [("Content-Length", "3")]), body("abc"), .end(nil)]),
        Case(name: "429", method: .GET,
             parts: [head(.tooManyRequests, [("Retry-After", "1"), ("Content-Length", "2")]), body("{}"), .end(nil)]),
    ]

    static func written(_ channel: EmbeddedChannel) throws -> String {
        var bytes = ByteBuffer()
        while let part = try channel.readOutbound(as: IOData.self) {
            guard case .byteBuffer(var buffer) = part else { throw ChannelError.operationUnsupported }
            bytes.writeBuffer(&buffer)
        }
        return String(buffer: bytes)
    }

    static func writeAll(_ parts: [HTTPServerResponsePart], to channel: EmbeddedChannel) {
        for part in parts { channel.write(part, promise: nil) }
        channel.flush()
    }

    static func requestLine(_ method: HTTPMethod) -> String {
        method == .CONNECT ? "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n" : "\(method.rawValue) /x HTTP/1.1\r\nHost: h\r\n\r\n"
    }

    @Test(arguments: cases)
    func writesTheSameBytesAsNIOsEncoder(_ example: Case) throws {
        let nio = EmbeddedChannel()
        try nio.pipeline.syncOperations.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: false)
        try nio.writeInbound(ByteBuffer(string: Self.requestLine(example.method)))
        while try nio.readInbound(as: HTTPServerRequestPart.self) != nil {}
        Self.writeAll(example.parts, to: nio)

        let encoder = ResponseEncoder()
        let ours = EmbeddedChannel(handler: encoder)
        encoder.requestArrived(example.method)
        Self.writeAll(example.parts, to: ours)

        let expected = try Self.written(nio)
        #expect(!expected.isEmpty)
        #expect(try Self.written(ours) == expected)
        #expect(encoder.awaitingAnswer == 0)
        _ = try nio.finish()
        _ = try ours.finish()
    }

    @Test func aBodyForAHEADIsRefused() throws {
        let encoder = ResponseEncoder()
        let channel = EmbeddedChannel(handler: encoder)
        encoder.requestArrived(.HEAD)
        try channel.writeOutbound(Self.head(.ok, [("Content-Length", "2")]))
        #expect(throws: ResponseEncoderError.self) { try channel.writeOutbound(Self.body("no")) }
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        #expect(try Self.written(channel) == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n")
        _ = try channel.finish()
    }

    /// A prebuilt answer takes its request off the encoder's list, so the answer to the next request (a `HEAD`) is
    /// still framed for it.
    @Test func aPrebuiltAnswerTakesItsRequestOffTheList() throws {
        let encoder = ResponseEncoder()
        let channel = EmbeddedChannel(handler: encoder)
        for method in [HTTPMethod.GET, .GET, .HEAD] { encoder.requestArrived(method) }
        for _ in 0..<2 {
            encoder.writeAnswer(
                head: ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"), status: .ok, body: ByteBuffer(string: "hi")
            )
        }
        #expect(encoder.awaitingAnswer == 1)
        Self.writeAll([Self.head(.ok), .end(nil)], to: channel)
        #expect(encoder.awaitingAnswer == 0)
        let answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
        // The HEAD's answer is not chunked: no terminator behind its head.
        #expect(try Self.written(channel) == answer + answer + "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        _ = try channel.finish()
    }

    /// The pipeline as a client connection gets it: the gateway's codec, cache hits answered with their prebuilt heads, and what goes on (here a `HEAD`, answered as the router would) framed for its method.
    @Test func theFastPathPipelineAnswersHitsAndLeavesNothingBehind() throws {
        let cache = ResponseCache(
            ttl: .seconds(60), pathPrefixes: ["/api/results/"],
            makeHitHead: { status, fields in CachedGETResponder.hitHead(status: status, headers: fields, serverName: "gateway") }
        )
        let body = ByteBuffer(string: #"{"words":[]}"#)
        cache.store("/api/results/wordcount", status: .ok, headers: [.contentType: "application/json", .contentLength: String(body.readableBytes)], body: body)
        let responder = CachedGETResponder(
            cache: cache, limiter: nil, trustForwardedFor: false, metrics: GatewayMetrics(factory: NOOPMetricsHandler.instance),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), serverName: "gateway", metricsFactory: NOOPMetricsHandler.instance
        )
        let channel = EmbeddedChannel()
        try FastPathHandler.codec(channel.pipeline.syncOperations, NIOHTTPDecoderLimitConfiguration())
        try channel.pipeline.syncOperations.addHandler(FastPathHandler.Placement(responder: responder, proxy: nil, routedAtLeastEvery: .seconds(60)))
        #expect((try? channel.pipeline.syncOperations.handler(type: FastPathHandler.self)) != nil)
        let encoder = try channel.pipeline.syncOperations.handler(type: ResponseEncoder.self)

        let get = "GET /api/results/wordcount HTTP/1.1\r\nHost: h\r\nX-Request-ID: r1\r\n\r\n"
        try channel.writeInbound(ByteBuffer(string: get + get + get))
        #expect(try channel.readInbound(as: HTTPServerRequestPart.self) == nil)
        let hits = try Self.written(channel)
        #expect(hits.components(separatedBy: "HTTP/1.1 200 OK\r\n").count == 4)
        #expect(hits.components(separatedBy: "\r\nX-Cache: HIT\r\n").count == 4)
        #expect(hits.components(separatedBy: "\r\nX-Request-ID: r1\r\nAge: 0\r\nDate: ").count == 4)
        #expect(hits.hasSuffix("\r\n\r\n" + #"{"words":[]}"#))
        #expect(encoder.awaitingAnswer == 0)

        // A HEAD goes on; its answer, written as the router would (a head without a length, then the end), gets no body.
        try channel.writeInbound(ByteBuffer(string: "HEAD /api/results/wordcount HTTP/1.1\r\nHost: h\r\n\r\n"))
        guard case .head(let head) = try channel.readInbound(as: HTTPServerRequestPart.self) else {
            Issue.record("the HEAD was not passed on")
            return
        }
        #expect(head.method == .HEAD)
        while try channel.readInbound(as: HTTPServerRequestPart.self) != nil {}
        Self.writeAll([Self.head(.ok, [("Content-Type", "application/json")]), .end(nil)], to: channel)
        try channel.writeInbound(ByteBuffer(string: get))
        let after = try Self.written(channel)
        #expect(after.hasPrefix("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ntransfer-encoding: chunked\r\n\r\nHTTP/1.1 200 OK\r\n"))
        #expect(encoder.awaitingAnswer == 0)
        _ = try channel.finish()
    }

    /// A proxied answer's head, encoded straight from the upstream's: hop-by-hop and replaced headers dropped, the
    /// gateway's added, and framed as NIO's encoder frames (the body of a 204 loses its length; no length: chunked).
    @Test func aProxiedHeadIsEncodedAndFramedAsTheEncoderWould() throws {
        let security = "Content-Security-Policy: \(SecurityHeadersMiddleware<GatewayRequestContext>.contentSecurityPolicy)\r\n"
            + "X-Content-Type-Options: nosniff\r\nReferrer-Policy: same-origin\r\nX-Frame-Options: DENY\r\n"
        func encoded(_ status: HTTPResponseStatus, _ headers: [(String, String)]) -> (text: String, chunked: Bool) {
            let answer = PipelineProxy.clientHead(HTTPResponseHead(version: .http1_1, status: status, headers: HTTPHeaders(headers)), requestID: "r-1", serverName: "gw")
            let text = String(buffer: answer.head)
            let date = text.firstRange(of: "Date: ").map { String(text[$0.upperBound...].prefix(29)) } ?? "?"
            return (text.replacingOccurrences(of: date, with: "<date>"), answer.chunked)
        }
        let added = "X-Request-ID: r-1\r\nServer: gw\r\nDate: <date>\r\n" + security
        let withLength = encoded(.created, [
            ("Content-Type", "application/json"), ("Content-Length", "2"), ("Connection", "keep-alive, X-Secret"), ("X-Secret", "s"),
            ("Server", "api-server"), ("Date", "Thu, 01 Jan 1970 00:00:00 GMT"), ("X-Request-ID", "other"), ("Location", "/x"),
        ])
        #expect(withLength.text == "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\nLocation: /x\r\n" + added + "\r\n")
        #expect(!withLength.chunked)
        let streamed = encoded(.ok, [("Content-Type", "text/plain"), ("Transfer-Encoding", "chunked")])
        #expect(streamed.text == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + added + "transfer-encoding: chunked\r\n\r\n")
        #expect(streamed.chunked)
        let empty = encoded(.noContent, [("Content-Length", "0"), ("X-Kept", "1")])
        #expect(empty.text == "HTTP/1.1 204 No Content\r\nX-Kept: 1\r\n" + added + "\r\n")
        #expect(!empty.chunked)
    }
}
