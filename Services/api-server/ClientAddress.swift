import Foundation
import HTTPTypes
import Hummingbird

/// Which client a request came from, for throttling failed logins.
enum ClientAddress {
    /// The last `X-Forwarded-For` entry (the one the gateway appended: the address it saw) when `trustForwardedFor`,
    /// otherwise the TCP peer. Earlier entries are whatever the client wrote and are never used.
    static func of(_ request: Request, context: APIRequestContext, trustForwardedFor: Bool) -> String? {
        if trustForwardedFor,
           let last = request.headers[values: HTTPField.Name("X-Forwarded-For")!].joined(separator: ",").split(separator: ",").last {
            let address = last.trimmingCharacters(in: .whitespaces)
            if !address.isEmpty { return address }
        }
        return context.remoteAddress?.ipAddress
    }
}
