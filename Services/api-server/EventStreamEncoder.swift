import CompressNIO
import NIOConcurrencyHelpers
import NIOCore

/// Writes one client's Server-Sent Events into its response body, gzip-compressed when the client accepts it.
///
/// The compressor lives as long as the connection and is flushed after every write, so each push arrives at once and
/// repeats of earlier pushes (the same top words, the same field names) cost a few bytes each. The small window keeps
/// the per-connection state to tens of kilobytes.
/// Unchecked Sendable: the compressor (not thread-safe) is used only under `lock`.
final class EventStreamEncoder: @unchecked Sendable {
    private let lock = NIOLock()
    private let continuation: AsyncStream<ByteBuffer>.Continuation
    private var compressor: (any NIOCompressor)?

    init(continuation: AsyncStream<ByteBuffer>.Continuation, gzip: Bool) {
        self.continuation = continuation
        if gzip {
            let compressor = CompressionAlgorithm.gzip(configuration: .init(windowSize: 13, memoryLevel: 5)).compressor
            if (try? compressor.startStream()) != nil { self.compressor = compressor }
        }
    }

    func send(_ text: String) { send(ByteBuffer(string: text)) }

    func send(_ events: [ServerSentEvent]) {
        guard !events.isEmpty else { return }
        var buffer = ByteBuffer()
        for event in events { buffer.writeImmutableBuffer(event.bytes) }
        send(buffer)
    }

    func send(_ buffer: ByteBuffer) {
        lock.withLock {
            guard let compressor else { continuation.yield(buffer); return }
            var input = buffer
            if let output = try? input.compressStream(with: compressor, flush: .sync) { continuation.yield(output) }
        }
    }

    /// Ends the body, with the gzip trailer when compressing.
    func finish() {
        lock.withLock {
            if let compressor {
                var empty = ByteBuffer()
                if let trailer = try? empty.compressStream(with: compressor, flush: .finish) { continuation.yield(trailer) }
                try? compressor.finishStream()
                self.compressor = nil
            }
            continuation.finish()
        }
    }
}
