import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1 channel with the doors closed: ``HTTPConnectionGuard`` in front of its HTTP-types codec,
/// request heads limited to `maxHeadBytes`, and idle keep-alive connections closed after `idleTimeout`. Both HTTP
/// servers (api-server, gateway) use it: `Application(router:server: GuardedHTTP1Channel.server(...))`.
public struct GuardedHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    public typealias Value = HTTP1Channel.Value

    let inner: HTTP1Channel
    public var responder: Responder { inner.responder }

    public init(responder: @escaping Responder, configuration: HTTP1Channel.Configuration) {
        inner = HTTP1Channel(responder: responder, configuration: configuration)
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let codec = try channel.pipeline.syncOperations.handler(type: HTTP1ToHTTPServerCodec.self)
            try channel.pipeline.syncOperations.addHandler(HTTPConnectionGuard(), position: .before(codec))
            return value
        }
    }

    public func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }

    /// The server builder: `idleTimeout` (IDLE_TIMEOUT, 60 s) and `maxHeadBytes` (16 KiB) plus any handlers the
    /// server adds after the codec (the gateway's cache fast path).
    public static func server(
        idleTimeout: TimeAmount = .seconds(60), maxHeadBytes: Int = 16 * 1024,
        additionalChannelHandlers: @escaping @Sendable () -> [any RemovableChannelHandler] = { [] }
    ) -> HTTPServerBuilder {
        var configuration = HTTP1Channel.Configuration(idleTimeout: idleTimeout)
        configuration.additionalChannelHandlers = additionalChannelHandlers
        configuration.httpDecoder = .init(maxHeaderFieldSize: maxHeadBytes, maxHeaderListSize: maxHeadBytes, maxHeaderFieldCount: 200)
        let settings = configuration
        return HTTPServerBuilder { responder in
            GuardedHTTP1Channel(responder: responder, configuration: settings)
        }
    }
}
