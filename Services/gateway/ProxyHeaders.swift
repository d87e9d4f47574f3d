import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1

/// The header rewriting of a reverse proxy: hop-by-hop headers stay on their own connection, and the upstream learns
/// who the client was and which request this is.
enum ProxyHeaders {
    /// Headers that describe one connection (RFC 9110 §7.6.1), never forwarded.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "upgrade",
    ]

    /// Headers the gateway sets itself on the way to an upstream.
    private static let replacedOnRequest: Set<String> = [
        "host", "content-length", "expect", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-request-id",
    ]

    static let requestIDHeader = HTTPField.Name("X-Request-ID")!
    static let forwardedForHeader = HTTPField.Name("X-Forwarded-For")!
    static let forwardedProtoHeader = HTTPField.Name("X-Forwarded-Proto")!
    static let forwardedHostHeader = HTTPField.Name("X-Forwarded-Host")!
    /// A client's key for one request; a POST that carries one may be sent to a second upstream (the api-server
    /// answers a repeat with the same review).
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!

    /// The headers sent upstream for a client request.
    /// - Parameters:
    ///   - clientAddress: the address of the peer that connected to the gateway.
    ///   - trustForwardedFor: whether that peer is a proxy whose `X-Forwarded-*` headers are believed; otherwise they
    ///     are replaced, since any client can write them.
    static func upstreamRequest(
        from fields: HTTPFields, authority: String?, clientAddress: String?, trustForwardedFor: Bool, requestID: String
    ) -> HTTPHeaders {
        let dropped = hopByHop.union(connectionOptions(in: fields)).union(replacedOnRequest)
        var headers = HTTPHeaders()
        headers.reserveCapacity(fields.count + 4)
        for field in fields where !dropped.contains(field.name.canonicalName) {
            headers.add(name: field.name.rawName, value: field.value)
        }
        let incomingForwardedFor = trustForwardedFor ? fields[values: forwardedForHeader].joined(separator: ", ") : ""
        let chain = [incomingForwardedFor, clientAddress ?? ""].filter { !$0.isEmpty }.joined(separator: ", ")
        if !chain.isEmpty { headers.add(name: forwardedForHeader.rawName, value: chain) }
        let proto = trustForwardedFor ? fields[forwardedProtoHeader] : nil
        headers.add(name: forwardedProtoHeader.rawName, value: proto ?? "http")
        // HTTP/1's Host header arrives as the request's authority.
        if let host = authority { headers.add(name: forwardedHostHeader.rawName, value: host) }
        headers.add(name: requestIDHeader.rawName, value: requestID)
        return headers
    }

    /// The headers passed back to the client from an upstream response. `Content-Length` is kept, so a body of known
    /// size is not re-chunked.
    static func clientResponse(from headers: HTTPHeaders) -> HTTPFields {
        let connection = headers[canonicalForm: "connection"].map { $0.lowercased() }
        let dropped = hopByHop.union(connection)
        var fields = HTTPFields()
        fields.reserveCapacity(headers.count)
        for (name, value) in headers where !dropped.contains(name.lowercased()) {
            guard let fieldName = HTTPField.Name(name) else { continue }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        return fields
    }

    /// The request ID to use: the client's own if it is a plausible token, otherwise a new one.
    static func requestID(from fields: HTTPFields) -> String {
        if let given = fields[requestIDHeader], (1...128).contains(given.utf8.count),
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            return given
        }
        return RequestIDs.next()
    }

    /// ``requestID(from:)-(HTTPFields)`` for a head still in NIO's HTTP/1 form (the pipeline's cache hits).
    static func requestID(from headers: HTTPHeaders) -> String {
        if let given = headers.first(name: requestIDHeader.canonicalName), (1...128).contains(given.utf8.count),
           given.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            return given
        }
        return RequestIDs.next()
    }

    /// ``clientAddress(peer:fields:trustForwardedFor:)`` for a head still in NIO's HTTP/1 form.
    static func clientAddress(peer: String?, headers: HTTPHeaders, trustForwardedFor: Bool) -> String? {
        guard trustForwardedFor,
              let last = headers[canonicalForm: forwardedForHeader.canonicalName].last
        else { return peer }
        let address = last.trimmingCharacters(in: CharacterSet.whitespaces)
        return address.isEmpty ? peer : address
    }

    /// The client address to use for rate limiting: the last `X-Forwarded-For` entry (the one the trusted proxy
    /// appended) when trusted, else the connected peer.
    static func clientAddress(peer: String?, fields: HTTPFields, trustForwardedFor: Bool) -> String? {
        guard trustForwardedFor,
              let last = fields[values: forwardedForHeader].joined(separator: ",").split(separator: ",").last
        else { return peer }
        let address = last.trimmingCharacters(in: CharacterSet.whitespaces)
        return address.isEmpty ? peer : address
    }

    /// Header names listed in `Connection`, which are hop-by-hop too.
    private static func connectionOptions(in fields: HTTPFields) -> Set<String> {
        Set(fields[values: .connection].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
    }
}
