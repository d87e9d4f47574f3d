import Hummingbird
import NIOCore

/// The request context of the gateway: Hummingbird's core storage plus the client's address (for rate limiting and
/// `X-Forwarded-For`) and the trace the access log reads.
struct GatewayRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?
    let trace: RequestTrace

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.trace = RequestTrace()
    }

    /// The peer's IP address as text, e.g. `127.0.0.1`.
    var peerAddress: String? { remoteAddress?.ipAddress }
}
