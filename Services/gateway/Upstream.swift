import Foundation

/// One api-server instance the gateway forwards `/api/` requests to.
struct Upstream: Sendable, Hashable, CustomStringConvertible {
    /// `scheme://host:port` plus an optional path prefix, without a trailing slash.
    let baseURL: String
    /// `host:port`, used as the `upstream` label of metrics and in logs.
    let name: String
    let host: String
    let port: Int
    /// The path the upstream's URL carries before the request's own (empty for `http://host:port`).
    let pathPrefix: String
    /// `http`, which the gateway's own pooled client (``UpstreamConnectionPool``) speaks; `https` goes through AsyncHTTPClient.
    let isPlainHTTP: Bool

    /// Parses `http://host:port[/prefix]`; nil for anything that is not an http(s) URL with a host.
    init?(_ string: String) {
        let trimmed = string.trimmingCharacters(in: .whitespaces)
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty, url.query == nil
        else { return nil }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        var base = trimmed
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.name = "\(host):\(port)"
        self.host = host
        self.port = port
        self.pathPrefix = url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path
        self.isPlainHTTP = scheme == "http"
    }

    /// The upstream URL for a request path with its query, e.g. `/api/results/wordcount?limit=10`.
    func url(for pathAndQuery: String) -> String {
        baseURL + pathAndQuery
    }

    var description: String { baseURL }
}
