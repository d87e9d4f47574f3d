import NIOCore
import NIOHTTP1

/// The gateway's HTTP/1 response encoder, in place of NIO's `HTTPResponseEncoder` on every client connection when a
/// fast path is on (``FastPathHandler/codec``). It frames and encodes response parts as NIO's does — the same bytes,
/// pinned by a test against NIO's encoder — and it can also send a head that is already bytes
/// (``writeHead(_:status:chunked:)``, ``writeAnswer(head:status:body:)``): a cache hit's head is encoded once per
/// stored answer, not once per hit, and a proxied answer's straight from the upstream's.
///
/// Answers to `HEAD` and `CONNECT` carry no body. NIO's encoder learns each request's method from its paired request
/// decoder; here ``FastPathHandler``, right behind an unpaired decoder, reports every request head
/// (``requestArrived(_:)``). Each final response head, prebuilt or not, takes the oldest method reported, so a
/// prebuilt answer leaves nothing behind (a head written below NIO's encoder left its request's entry there for good).
/// Unchecked Sendable: a channel handler: its state is touched only on its channel's event loop.
final class ResponseEncoder: ChannelOutboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = IOData

    /// The methods of requests whose final response head has not been written yet, oldest first.
    private var methods = CircularBuffer<HTTPMethod>(initialCapacity: 4)
    private var chunked = false
    private var suppressBody = false
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Requests whose final response head has not been written yet.
    var awaitingAnswer: Int { methods.count }

    /// A request head came in: its response will be framed for its method.
    func requestArrived(_ method: HTTPMethod) {
        methods.append(method)
    }

    /// A response head already encoded (the status line, the header lines and the blank line that ends them), its
    /// framing headers set as ``frame(_:hasBody:)`` would: `chunked` says whether the body parts that follow it are
    /// sent chunked. It answers the oldest request as a head written as parts does.
    func writeHead(_ head: ByteBuffer, status: HTTPResponseStatus, chunked: Bool) {
        guard let context else { return }
        takeRequest(answeredWith: status)
        self.chunked = suppressBody ? false : chunked
        context.write(wrapOutboundOut(.byteBuffer(head)), promise: nil)
    }

    /// A whole answer to a `GET`, prebuilt: `head` as for ``writeHead(_:status:chunked:)`` with a `Content-Length`,
    /// `body` exactly that many bytes (written without a copy). Nothing more is written for it.
    func writeAnswer(head: ByteBuffer, status: HTTPResponseStatus, body: ByteBuffer) {
        guard let context else { return }
        writeHead(head, status: status, chunked: false)
        if body.readableBytes > 0, !suppressBody { context.write(wrapOutboundOut(.byteBuffer(body)), promise: nil) }
        suppressBody = false
    }

    /// A final response head answers the oldest request still waiting (a 1xx other than 101 is followed by the final
    /// head, which answers the same request); answers to `HEAD` and `CONNECT` get no body. Returns whether the request
    /// was a `CONNECT`.
    @discardableResult
    private func takeRequest(answeredWith status: HTTPResponseStatus) -> Bool {
        let code = status.code
        guard !((100..<200).contains(code) && code != 101), let method = methods.popFirst() else { return false }
        suppressBody = method == .HEAD || method == .CONNECT
        return method == .CONNECT
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            let connect = takeRequest(answeredWith: head.status)
            let framedChunked = Self.frame(&head, hasBody: !connect && head.status.mayHaveResponseBody)
            chunked = suppressBody ? false : framedChunked
            var buffer = context.channel.allocator.buffer(capacity: 256)
            Self.encode(head, into: &buffer)
            context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: promise)
        case .body(let chunk):
            if suppressBody {
                promise?.fail(ResponseEncoderError.bodyNotAllowed)
            } else if chunked, chunk.readableBytes > 0 {
                var size = context.channel.allocator.buffer(capacity: 16)
                size.writeString(String(chunk.readableBytes, radix: 16))
                size.writeStaticString("\r\n")
                context.write(wrapOutboundOut(.byteBuffer(size)), promise: nil)
                context.write(wrapOutboundOut(chunk), promise: nil)
                size.moveReaderIndex(forwardBy: size.readableBytes - 2)
                context.write(wrapOutboundOut(.byteBuffer(size)), promise: promise)
            } else {
                context.write(wrapOutboundOut(chunk), promise: promise)
            }
        case .end(let trailers):
            suppressBody = false
            if chunked {
                var buffer = context.channel.allocator.buffer(capacity: trailers == nil ? 5 : 256)
                buffer.writeStaticString("0\r\n")
                if let trailers { Self.encode(trailers, into: &buffer) } else { buffer.writeStaticString("\r\n") }
                context.write(wrapOutboundOut(.byteBuffer(buffer)), promise: promise)
            } else if let promise {
                // Nothing to write, but the promise must complete in order with the writes before it.
                context.write(wrapOutboundOut(.byteBuffer(context.channel.allocator.buffer(capacity: 0))), promise: promise)
            }
        }
    }

    /// Sets the head's framing headers as NIO's encoder does (`Content-Length` wins; otherwise HTTP/1.1 bodies are
    /// chunked; a head that may have no body loses both) and returns whether the body is chunked.
    static func frame(_ head: inout HTTPResponseHead, hasBody: Bool) -> Bool {
        guard hasBody else {
            head.headers.remove(name: "content-length")
            head.headers.remove(name: "transfer-encoding")
            return false
        }
        if head.headers.contains(name: "content-length") {
            head.headers.remove(name: "transfer-encoding")
            return false
        }
        guard head.version.major == 1, head.version.minor >= 1 else { return false }
        head.headers.replaceOrAdd(name: "transfer-encoding", value: "chunked")
        return true
    }

    /// The status line, the header lines and the blank line that ends them.
    static func encode(_ head: HTTPResponseHead, into buffer: inout ByteBuffer) {
        encodeStatusLine(version: head.version, status: head.status, into: &buffer)
        encode(head.headers, into: &buffer)
    }

    static func encodeStatusLine(version: HTTPVersion = .http1_1, status: HTTPResponseStatus, into buffer: inout ByteBuffer) {
        if version == .http1_1 {
            buffer.writeStaticString("HTTP/1.1 ")
        } else {
            buffer.writeStaticString("HTTP/")
            buffer.writeString(String(version.major))
            buffer.writeStaticString(".")
            buffer.writeString(String(version.minor))
            buffer.writeStaticString(" ")
        }
        buffer.writeString(String(status.code))
        buffer.writeStaticString(" ")
        buffer.writeString(status.reasonPhrase)
        buffer.writeStaticString("\r\n")
    }

    /// One header line.
    static func encodeLine(_ name: String, _ value: String, into buffer: inout ByteBuffer) {
        buffer.writeString(name)
        buffer.writeStaticString(": ")
        buffer.writeString(value)
        buffer.writeStaticString("\r\n")
    }

    /// Header lines, then the blank line.
    static func encode(_ headers: HTTPHeaders, into buffer: inout ByteBuffer) {
        encodeLines(headers, into: &buffer)
        buffer.writeStaticString("\r\n")
    }

    /// Header lines only.
    static func encodeLines(_ headers: HTTPHeaders, into buffer: inout ByteBuffer) {
        for (name, value) in headers { encodeLine(name, value, into: &buffer) }
    }
}

enum ResponseEncoderError: Error {
    /// A body part written for an answer to `HEAD` or `CONNECT`, which carries none.
    case bodyNotAllowed
}
