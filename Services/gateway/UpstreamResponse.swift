import NIOCore
import NIOHTTP1

/// An upstream's answer as the gateway's pooled client (``UpstreamConnectionPool``) receives it.
struct UpstreamResponse: Sendable {
    typealias BodySequence = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, UpstreamConnection.BodyDemand
    >

    enum Body: Sendable {
        /// The whole body arrived with the head.
        case complete(ByteBuffer)
        /// The rest of the body arrives chunk by chunk, read from the upstream only as fast as it is consumed.
        case streaming(BodySequence)
    }

    let status: HTTPResponseStatus
    let headers: HTTPHeaders
    let body: Body

    /// The body in one buffer, failing past `limit` bytes.
    func collect(upTo limit: Int) async throws -> ByteBuffer {
        switch body {
        case .complete(let buffer):
            guard buffer.readableBytes <= limit else { throw NIOTooManyBytesError(maxBytes: limit) }
            return buffer
        case .streaming(let chunks):
            var collected = ByteBuffer()
            for try await chunk in chunks {
                guard collected.readableBytes + chunk.readableBytes <= limit else { throw NIOTooManyBytesError(maxBytes: limit) }
                collected.writeImmutableBuffer(chunk)
            }
            return collected
        }
    }
}
