import Foundation
import NIOCore

/// One Server-Sent Event: `event: NAME` and one JSON value as `data:`.
struct ServerSentEvent: Sendable {
    let name: String
    let data: Data

    init(name: String, json value: some Encodable) {
        self.name = name
        self.data = (try? ServerSentEvent.encoder.encode(value)) ?? Data("null".utf8)
    }

    var bytes: ByteBuffer {
        var buffer = ByteBuffer(string: "event: \(name)\ndata: ")
        buffer.writeBytes(data)
        buffer.writeString("\n\n")
        return buffer
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}
