import Foundation
import Hummingbird

/// An error answered to an HTTP client as `{"error": "...", "detail": "..."}` with its status.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// A short, stable reason a client can branch on, e.g. `invalid_json`.
    public var error: String
    /// A sentence for the human reading it.
    public var detail: String

    public init(_ status: HTTPResponse.Status, _ error: String, _ detail: String) {
        self.status = status
        self.error = error
        self.detail = detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: [.contentType: Self.contentType], body: .init(byteBuffer: body))
    }

    /// The JSON body the client gets.
    public var body: ByteBuffer {
        ByteBuffer(bytes: (try? JSONEncoder().encode(["error": error, "detail": detail])) ?? Data())
    }

    public static let contentType = "application/json; charset=utf-8"
}
