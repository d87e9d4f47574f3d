import NIOCore
import NIOHTTP1

/// The per-connection half of ``CachedGETResponder``. It sits right behind NIO's HTTP/1 request decoder, answers
/// what the responder can by writing its bytes below the response encoder (straight to the socket), and passes
/// the rest on to ``HTTPConnectionGuard``, the HTTP-types codec and Hummingbird.
///
/// HTTP/1.1 answers must leave in the order their requests came. A request is only answered here while none handed
/// on from this connection is still waiting for the end of its response; a pipelining client's requests behind a
/// slow one go to Hummingbird too, which answers them in order.
///
/// Hummingbird closes a connection `IDLE_TIMEOUT` after the last request it saw, and it never sees the hits answered
/// here: a connection that only gets hits would be closed under a busy client. So at least once every
/// ``CachedGETResponder/routedAtLeastEvery`` a request on the connection goes to Hummingbird (which answers it from the
/// same cache), keeping its idle clock current.
final class CachedGETHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let responder: CachedGETResponder
    /// The response encoder's context: bytes written there skip the encoder and go to the socket.
    private var wire: ChannelHandlerContext?
    /// Requests handed on whose response has not ended.
    private var handedOn = 0
    /// The rest of a request answered here (its end, any body) is dropped.
    private var discarding = false
    private var needsFlush = false
    private var peer: String?
    private var lastHandedOn = NIODeadline.now()

    init(responder: CachedGETResponder) {
        self.responder = responder
    }

    func handlerAdded(context: ChannelHandlerContext) {
        peer = context.channel.remoteAddress?.ipAddress
        wire = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        wire = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if handedOn == 0, let wire, NIODeadline.now() - lastHandedOn < responder.routedAtLeastEvery,
               let answer = responder.respond(to: request, peer: peer, allocator: context.channel.allocator) {
                discarding = true
                wire.write(NIOAny(answer.head), promise: nil)
                wire.write(NIOAny(answer.body), promise: nil)
                needsFlush = true
                return
            }
            discarding = false
            handedOn += 1
            lastHandedOn = .now()
            context.fireChannelRead(data)
        case .body:
            if !discarding { context.fireChannelRead(data) }
        case .end:
            if discarding {
                discarding = false
            } else {
                context.fireChannelRead(data)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            wire?.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { handedOn = max(0, handedOn - 1) }
        context.write(data, promise: promise)
    }
}

extension CachedGETHandler {
    /// What the server adds behind its HTTP-types codec (the only place Hummingbird lets a server add handlers): on
    /// being added it puts a ``CachedGETHandler`` right behind the HTTP/1 request decoder, then only passes parts on.
    final class Placement: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny
        private let responder: CachedGETResponder

        init(responder: CachedGETResponder) {
            self.responder = responder
        }

        func handlerAdded(context: ChannelHandlerContext) {
            let pipeline = context.pipeline.syncOperations
            guard let decoder = try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) else { return }
            try? pipeline.addHandler(CachedGETHandler(responder: responder), position: .after(decoder))
        }
    }
}
