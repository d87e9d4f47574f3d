import Foundation
import Hummingbird
import NIOCore

/// The three hot lists of a ``ResultsSnapshot`` as the JSON bodies of their GETs at the default limit.
struct EncodedResults: Sendable {
    let words: ByteBuffer
    let predictions: ByteBuffer
    let accuracy: ByteBuffer

    init(_ snapshot: ResultsSnapshot) {
        words = Self.encode(snapshot.words)
        predictions = Self.encode(snapshot.predictions)
        accuracy = Self.encode(snapshot.accuracy)
    }

    /// JSON with ISO 8601 dates, as Hummingbird encodes handler results.
    static func encode(_ value: some Encodable) -> ByteBuffer {
        ByteBuffer(bytes: (try? ServerSentEvent.encoder.encode(value)) ?? Data("[]".utf8))
    }

    static func response(_ body: ByteBuffer) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(body.readableBytes)],
            body: .init(byteBuffer: body)
        )
    }
}
