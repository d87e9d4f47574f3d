import NIOCore
import NIOHTTP1

/// One kept-alive HTTP/1.1 connection to an upstream, carrying one exchange at a time, and the channel handler that
/// runs it (behind NIO's HTTP/1 client codec). Everything but ``send(_:body:exchange:deadline:)``'s hand-off runs on
/// the channel's event loop.
///
/// A small answer (head, body and end in one read, which is every api-server answer but an event stream) resumes the
/// waiting request once with the whole body; a longer one resumes it at the end of the first read with a body
/// sequence that reads on only as fast as the client takes it (``UpstreamResponse/Body/streaming(_:)``). The
/// connection goes back to its pool as soon as the response's end has been read, while the client may still be
/// receiving it.
/// Unchecked Sendable: a channel handler: its state is touched only on its channel's event loop.
final class UpstreamConnection: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    typealias BodySource = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, BodyDemand
    >.Source

    /// The exchange a request is waiting on; the request's task holds it to cancel.
    /// Unchecked Sendable: made by the request's task before it is handed over, then touched only on the connection's event loop.
    final class Exchange: @unchecked Sendable {
        /// Set by the request's task before the exchange is handed to the event loop; resumed there exactly once.
        var continuation: UnsafeContinuation<UpstreamResponse, any Error>?
        /// Instead of a continuation: a client connection's pipeline that relays the response part by part, on the
        /// event loop both channels share (``ProxyFastPathHandler``).
        weak var relay: (any UpstreamRelay)?
        fileprivate var cancelled = false

        init() {}

        init(relay: any UpstreamRelay) {
            self.relay = relay
        }
    }

    private enum State {
        case idle
        case awaitingHead(Exchange)
        /// The head arrived in the current read; the body read with it so far.
        case receivedHead(Exchange, HTTPResponseHead, ByteBuffer?)
        case streaming(BodySource)
        /// Parts go to the exchange's relay as they are read.
        case relaying(Exchange)
        case closed
    }

    let eventLoop: any EventLoop
    /// Called on the event loop when the connection is free for another exchange.
    private let onIdle: (UpstreamConnection) -> Void
    private var context: ChannelHandlerContext?
    private var state = State.idle
    private var keepAlive = true
    /// When the response head of the exchange under way is due.
    private var headDeadline: NIODeadline?
    /// Since when the connection has been idle.
    private var idleSince: NIODeadline?
    /// One timer per connection checks both (``armWatchdog(_:)``), rather than one scheduled and cancelled per request.
    private var watchdog: Scheduled<Void>?
    private var watchdogDeadline: NIODeadline?
    /// Whether the body's consumer wants more; when it does not, the channel's reads are held back.
    private var consumerWantsMore = true
    private var heldRead = false
    private var failure: (any Error)?
    let idleLimit: TimeAmount

    init(eventLoop: any EventLoop, idleLimit: TimeAmount, onIdle: @escaping (UpstreamConnection) -> Void) {
        self.eventLoop = eventLoop
        self.idleLimit = idleLimit
        self.onIdle = onIdle
    }

    // MARK: Exchanges

    /// Sends a request; the exchange's continuation gets the response head (and body), or the failure. Must be
    /// called on the event loop, on a connection ``isUsable``.
    func send(_ head: HTTPRequestHead, body: ByteBuffer?, exchange: Exchange, deadline: NIODeadline) {
        eventLoop.assertInEventLoop()
        idleSince = nil
        guard case .idle = state, let context, context.channel.isActive else {
            resume(exchange, throwing: UpstreamConnectionError.closedBeforeSending)
            return
        }
        guard !exchange.cancelled else {
            resume(exchange, throwing: CancellationError())
            finishExchange()
            return
        }
        state = .awaitingHead(exchange)
        consumerWantsMore = true
        headDeadline = deadline
        armWatchdog(deadline)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// Closes the connection (idle, or shut down with the pool).
    func close() {
        eventLoop.assertInEventLoop()
        if case .idle = state { state = .closed }
        context?.close(promise: nil)
    }

    /// The request's task was cancelled (its client went away): give up the exchange and the connection.
    func cancel(_ exchange: Exchange) {
        eventLoop.assertInEventLoop()
        exchange.cancelled = true
        switch state {
        case .awaitingHead(let waiting) where waiting === exchange, .receivedHead(let waiting, _, _) where waiting === exchange,
             .relaying(let waiting) where waiting === exchange:
            exchange.relay = nil
            fail(CancellationError())
        default:
            break
        }
    }

    private func resume(_ exchange: Exchange, returning response: UpstreamResponse) {
        let continuation = exchange.continuation
        exchange.continuation = nil
        continuation?.resume(returning: response)
    }

    private func resume(_ exchange: Exchange, throwing error: any Error) {
        if let continuation = exchange.continuation {
            exchange.continuation = nil
            continuation.resume(throwing: error)
        } else if let relay = exchange.relay {
            exchange.relay = nil
            relay.upstreamFailed(error)
        }
    }

    /// Ends whatever is under way with `error` and closes the connection.
    private func fail(_ error: any Error) {
        headDeadline = nil
        switch state {
        case .awaitingHead(let exchange), .receivedHead(let exchange, _, _):
            resume(exchange, throwing: error)
        case .streaming(let source):
            source.finish(error)
        case .relaying(let exchange):
            let relay = exchange.relay
            exchange.relay = nil
            relay?.upstreamFailed(error)
        case .idle, .closed:
            break
        }
        state = .closed
        context?.close(promise: nil)
    }

    /// The response has been read to its end: the connection is free again, or closed if the upstream said so.
    private func finishExchange() {
        guard keepAlive, let context, context.channel.isActive else {
            state = .closed
            context?.close(promise: nil)
            return
        }
        state = .idle
        let now = NIODeadline.now()
        idleSince = now
        armWatchdog(now + idleLimit)
        onIdle(self)
    }

    /// Makes sure the watchdog fires by `deadline`. One already due earlier is left: when it fires it finds the
    /// current deadline and waits on for it, so a busy connection schedules a timer about once per timeout, not twice
    /// per request.
    private func armWatchdog(_ deadline: NIODeadline) {
        if let pending = watchdogDeadline, pending <= deadline { return }
        watchdog?.cancel()
        watchdogDeadline = deadline
        watchdog = eventLoop.scheduleTask(deadline: deadline) { [self] in watchdogFired() }
    }

    /// A response head overdue fails the exchange; a connection idle for `idleLimit` closes.
    private func watchdogFired() {
        watchdog = nil
        watchdogDeadline = nil
        let now = NIODeadline.now()
        switch state {
        case .awaitingHead:
            guard let due = headDeadline else { return }
            if now >= due { fail(UpstreamConnectionError.timedOut) } else { armWatchdog(due) }
        case .idle:
            guard let since = idleSince else { return }
            if now >= since + idleLimit {
                state = .closed
                context?.close(promise: nil)
            } else {
                armWatchdog(since + idleLimit)
            }
        default:
            break  // mid-response (a body has no time limit); the next exchange or idle spell arms it again
        }
    }

    // MARK: Channel handler

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard case .awaitingHead(let exchange) = state else { return fail(UpstreamConnectionError.unexpectedResponse) }
            headDeadline = nil
            guard head.status.code >= 200 else { return }  // 1xx: the real head follows
            keepAlive = head.isKeepAlive
            if let relay = exchange.relay {
                state = .relaying(exchange)
                consumerWantsMore = relay.upstreamHead(head)
            } else {
                state = .receivedHead(exchange, head, nil)
            }
        case .body(let chunk):
            switch state {
            case .receivedHead(let exchange, let head, var body):
                state = .closed  // drops the reference, so appending does not copy
                if body == nil { body = chunk } else { body!.writeImmutableBuffer(chunk) }
                state = .receivedHead(exchange, head, body)
            case .streaming(let source):
                if source.yield(chunk) == .stopProducing { consumerWantsMore = false }
            case .relaying(let exchange):
                if exchange.relay?.upstreamBody(chunk) == false { consumerWantsMore = false }
            default:
                fail(UpstreamConnectionError.unexpectedResponse)
            }
        case .end:
            switch state {
            case .receivedHead(let exchange, let head, let body):
                finishExchange()
                resume(exchange, returning: UpstreamResponse(status: head.status, headers: head.headers, body: .complete(body ?? ByteBuffer())))
            case .streaming(let source):
                // Free first: whoever sees the body end may send the next request at once.
                finishExchange()
                source.finish()
            case .relaying(let exchange):
                let relay = exchange.relay
                exchange.relay = nil
                finishExchange()
                relay?.upstreamEnd()
            default:
                fail(UpstreamConnectionError.unexpectedResponse)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .relaying(let exchange) = state { exchange.relay?.upstreamReadComplete() }
        if case .receivedHead(let exchange, let head, let body) = state {
            // The body continues past this read: hand it over as a sequence.
            let sequence = NIOThrowingAsyncSequenceProducer.makeSequence(
                elementType: ByteBuffer.self, failureType: (any Error).self,
                backPressureStrategy: NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark(lowWatermark: 2, highWatermark: 16),
                finishOnDeinit: false,
                delegate: BodyDemand(connection: self)
            )
            if let body, body.readableBytes > 0, sequence.source.yield(body) == .stopProducing { consumerWantsMore = false }
            state = .streaming(sequence.source)
            resume(exchange, returning: UpstreamResponse(status: head.status, headers: head.headers, body: .streaming(sequence.sequence)))
        }
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if !consumerWantsMore, isMidBody {
            heldRead = true
        } else {
            context.read()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .closed = state {} else { fail(failure ?? UpstreamConnectionError.closed) }
        watchdog?.cancel()
        watchdog = nil
        watchdogDeadline = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failure = error
        fail(error)
    }

    // MARK: Body demand

    /// Tells the connection when the client wants more of a streamed body, and when it stopped listening.
    struct BodyDemand: NIOAsyncSequenceProducerDelegate {
        let connection: UpstreamConnection

        func produceMore() {
            connection.eventLoop.execute { connection.resumeReading() }
        }

        func didTerminate() {
            connection.eventLoop.execute { connection.consumerLeft() }
        }
    }

    private var isMidBody: Bool {
        switch state {
        case .streaming, .relaying: return true
        default: return false
        }
    }

    /// The relay's client can take more of the body (its channel is writable again).
    func relayWantsMore() {
        eventLoop.assertInEventLoop()
        resumeReading()
    }

    private func resumeReading() {
        consumerWantsMore = true
        if heldRead, let context {
            heldRead = false
            context.read()
        }
    }

    /// The body's consumer is gone: if the body had not ended, the rest is of no use and the connection cannot be
    /// reused mid-response.
    private func consumerLeft() {
        if case .streaming = state { fail(CancellationError()) }
    }

    /// The relay's client went away: the rest of the response is of no use, and a connection mid-response cannot be
    /// reused.
    func relayLeft(_ exchange: Exchange) {
        eventLoop.assertInEventLoop()
        exchange.relay = nil
        exchange.cancelled = true
        switch state {
        case .awaitingHead(let waiting) where waiting === exchange, .relaying(let waiting) where waiting === exchange:
            fail(CancellationError())
        default:
            break
        }
    }
}

/// Where a relayed exchange's response goes, on the connection's event loop: the head, then body chunks, then the end;
/// or, at any point, the failure (after which nothing more comes).
protocol UpstreamRelay: AnyObject {
    /// Returns whether more may be read now (false holds the upstream's reads until ``UpstreamConnection/relayWantsMore()``).
    func upstreamHead(_ head: HTTPResponseHead) -> Bool
    func upstreamBody(_ chunk: ByteBuffer) -> Bool
    /// The end of one read from the upstream: what was relayed may be flushed.
    func upstreamReadComplete()
    /// The connection is already free again when this is called.
    func upstreamEnd()
    func upstreamFailed(_ error: any Error)
}

/// How an exchange on an ``UpstreamConnection`` failed, besides the channel's own errors.
enum UpstreamConnectionError: Error, CustomStringConvertible {
    /// The connection was found closed before anything of the request was written to it.
    case closedBeforeSending
    /// The connection closed before the response ended.
    case closed
    /// No response head before the deadline.
    case timedOut
    /// The upstream sent a response nothing asked for.
    case unexpectedResponse

    var description: String {
        switch self {
        case .closedBeforeSending: return "the connection was closed before the request was sent"
        case .closed: return "the upstream closed the connection"
        case .timedOut: return "no response head in time"
        case .unexpectedResponse: return "unexpected response from the upstream"
        }
    }
}
