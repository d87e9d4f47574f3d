import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import ServiceSupport

/// Why a request to an upstream failed before its response head arrived, and what the gateway may do about it.
enum UpstreamFailure: Error, Sendable {
    /// No connection was made, so nothing of the request was sent: safe to send again whatever the method.
    case unreachable(String)
    /// The connection broke or was reset while the request was under way: the upstream may have acted on it.
    case connectionLost(String)
    /// No response head within the upstream timeout.
    case timedOut
    /// The client went away, which cancelled the request.
    case cancelled

    init(_ error: any Error) {
        if error is CancellationError {
            self = .cancelled
        } else if let error = error as? HTTPClientError {
            switch error {
            case .cancelled: self = .cancelled
            case .connectTimeout: self = .unreachable("connect timeout")
            case .deadlineExceeded, .readTimeout: self = .timedOut
            default: self = .connectionLost("\(error)")
            }
        } else if let error = error as? UpstreamConnectionError {
            switch error {
            case .closedBeforeSending: self = .unreachable("\(error)")
            case .timedOut: self = .timedOut
            case .closed, .unexpectedResponse: self = .connectionLost("\(error)")
            }
        } else if error is NIOConnectionError {
            self = .unreachable("\(error)")
        } else if let error = error as? ChannelError, case .connectTimeout = error {
            self = .unreachable("connect timeout")
        } else if let error = error as? IOError, [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH].contains(error.errnoCode) {
            self = .unreachable("\(error)")
        } else {
            self = .connectionLost("\(error)")
        }
    }

    /// Whether a second attempt on another upstream is allowed: idempotent methods after any failure, and requests
    /// that carry an `Idempotency-Key` (the api-server turns a repeat into the same review); others only when nothing
    /// was sent.
    func allowsRetry(of method: HTTPRequest.Method, hasIdempotencyKey: Bool = false) -> Bool {
        switch self {
        case .cancelled: return false
        case .unreachable: return true
        case .connectionLost, .timedOut: return hasIdempotencyKey || Self.idempotentMethods.contains(method)
        }
    }

    /// Whether the upstream should leave the pool now rather than at the next failed health check.
    var takesUpstreamDown: Bool {
        switch self {
        case .unreachable, .connectionLost: return true
        case .timedOut, .cancelled: return false
        }
    }

    /// What the client is told when no attempt succeeded.
    var apiError: APIError {
        switch self {
        case .unreachable(let reason), .connectionLost(let reason):
            return APIError(.badGateway, "upstream_unavailable", "The API server could not be reached: \(reason).")
        case .timedOut:
            return APIError(.gatewayTimeout, "upstream_timeout", "The API server did not answer in time.")
        case .cancelled:
            return APIError(.badGateway, "cancelled", "The request was cancelled.")
        }
    }

    static let idempotentMethods: Set<HTTPRequest.Method> = [.get, .head, .options, .put, .delete]
}
