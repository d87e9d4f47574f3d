import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1 channel with the doors closed: ``HTTPConnectionGuard`` in front of its HTTP-types codec,
/// request heads limited to `maxHeadBytes`, and idle keep-alive connections closed after `idleTimeout`. Both HTTP
/// servers (api-server, gateway) use it: `Application(router:server: GuardedHTTP1Channel.server(...))`.
///
/// The pipeline is the one Hummingbird's `HTTP1Channel` builds (as of Hummingbird 2.28) with the guard added, built
/// here so that a server can put in its own HTTP/1 byte codec (``Codec``: the gateway's encoder writes prebuilt heads).
/// Requests are then handled by Hummingbird's `HTTP1Channel`.
public struct GuardedHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    public typealias Value = HTTP1Channel.Value
    /// Adds the handlers that turn bytes into NIO's HTTP/1 request parts and response parts into bytes, given the
    /// request decoder's limits.
    public typealias Codec = @Sendable (ChannelPipeline.SynchronousOperations, NIOHTTPDecoderLimitConfiguration) throws -> Void

    let inner: HTTP1Channel
    let codec: Codec
    let decoderLimits: NIOHTTPDecoderLimitConfiguration
    public var responder: Responder { inner.responder }

    public init(responder: @escaping Responder, configuration: HTTP1Channel.Configuration, codec: @escaping Codec = GuardedHTTP1Channel.nioCodec) {
        inner = HTTP1Channel(responder: responder, configuration: configuration)
        self.codec = codec
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderFieldSize = configuration.httpDecoder.maxHeaderFieldSize
        limits.maxHeaderListSize = configuration.httpDecoder.maxHeaderListSize
        limits.maxHeaderFieldCount = configuration.httpDecoder.maxHeaderFieldCount
        decoderLimits = limits
    }

    /// NIO's response encoder and request decoder, paired (the decoder tells the encoder each request's method, so
    /// answers to `HEAD` carry no body), as Hummingbird sets them up.
    public static let nioCodec: Codec = { pipeline, limits in
        try pipeline.configureHTTPServerPipeline(
            withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
            withEncoderConfiguration: .init(), withDecoderLimitConfiguration: limits
        )
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            try codec(pipeline, decoderLimits)
            try pipeline.addHandler(HTTPConnectionGuard())
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try pipeline.addHandlers(inner.configuration.additionalChannelHandlers())
            try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: inner.configuration.idleTimeout.map { .init($0) }, logger: logger))
            return try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    public func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }

    /// The server builder: `idleTimeout` (IDLE_TIMEOUT, 60 s) and `maxHeadBytes` (16 KiB), the HTTP/1 byte codec, and
    /// any handlers the server adds after the HTTP-types codec (the gateway's fast path).
    public static func server(
        idleTimeout: TimeAmount = .seconds(60), maxHeadBytes: Int = 16 * 1024, codec: @escaping Codec = GuardedHTTP1Channel.nioCodec,
        additionalChannelHandlers: @escaping @Sendable () -> [any RemovableChannelHandler] = { [] }
    ) -> HTTPServerBuilder {
        var configuration = HTTP1Channel.Configuration(idleTimeout: idleTimeout)
        configuration.additionalChannelHandlers = additionalChannelHandlers
        configuration.httpDecoder = .init(maxHeaderFieldSize: maxHeadBytes, maxHeaderListSize: maxHeadBytes, maxHeaderFieldCount: 200)
        let settings = configuration
        return HTTPServerBuilder { responder in
            GuardedHTTP1Channel(responder: responder, configuration: settings, codec: codec)
        }
    }
}
