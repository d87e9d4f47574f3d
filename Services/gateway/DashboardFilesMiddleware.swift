import Foundation
import Hummingbird
import Logging

/// Serves the dashboard's static files for every GET or HEAD the router does not answer, outside `/api/`.
///
/// Hummingbird's `FileMiddleware` does the file work (ETag, Last-Modified, conditional requests, ranges, HEAD); this
/// middleware decides which file answers:
/// - a path that is not a file gets `index.html`, so the single-page app's own routes (`/manage`) survive a reload;
/// - a client accepting gzip gets the precompressed `X.gz` written by `scripts/local/build-dashboard`, when it exists, with
///   `Content-Encoding: gzip`;
/// - `index.html` is `no-cache` (always revalidated, so a new build is seen at once); a content-versioned URL
///   (`/app.js?v=<hash>`, or a hash in the file name) is cached for a year as immutable; anything else revalidates.
struct DashboardFilesMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    private let fileSystem: LocalFileSystem
    private let files: FileMiddleware<Context, LocalFileSystem>

    static let immutable = "public, max-age=31536000, immutable"
    static let revalidate = "no-cache"

    init(directory: String, logger: Logger) {
        self.fileSystem = LocalFileSystem(rootFolder: directory, threadPool: .singleton, logger: logger)
        self.files = FileMiddleware(fileProvider: fileSystem)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPResponseError where error.status == .notFound {
            guard request.method == .get || request.method == .head,
                  let path = request.uri.path.removingPercentEncoding,
                  !path.contains(".."), !Self.isAPI(path),
                  let target = await file(answering: path)
            else { throw error }
            return try await serve(target, for: request, context: context)
        }
    }

    static func isAPI(_ path: String) -> Bool {
        path == "/api" || path.hasPrefix("/api/")
    }

    /// The file that answers `path`: the file itself, or `index.html` when there is no such file.
    private func file(answering path: String) async -> String? {
        let candidate = path.hasSuffix("/") ? path + "index.html" : path
        if await isFile(candidate) { return candidate }
        return await isFile("/index.html") ? "/index.html" : nil
    }

    private func serve(_ target: String, for request: Request, context: Context) async throws -> Response {
        let compressed = await isFile(target + ".gz")
        let sendCompressed = compressed && Self.acceptsGzip(request.headers[values: .acceptEncoding])
        let served = sendCompressed ? target + ".gz" : target
        var head = request.head
        head.path = served.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? served
        var response = try await files.handle(Request(head: head, body: request.body), context: context) { _, _ in
            throw HTTPError(.notFound)
        }
        if let ext = target.split(separator: "/").last?.split(separator: ".").last, target.contains("."),
           let type = MediaType.getMediaType(forExtension: String(ext)) {
            response.headers[.contentType] = type.description
        }
        if sendCompressed { response.headers[.contentEncoding] = "gzip" }
        if compressed { response.headers[.vary] = "Accept-Encoding" }
        let versioned = target != "/index.html" && Self.isContentVersioned(path: target, query: request.uri.query)
        response.headers[.cacheControl] = versioned ? Self.immutable : Self.revalidate
        return response
    }

    private func isFile(_ path: String) async -> Bool {
        guard let id = fileSystem.getFileIdentifier(path),
              let attributes = try? await fileSystem.getAttributes(id: id)
        else { return false }
        return !attributes.isFolder
    }

    /// Whether `Accept-Encoding` allows gzip (a `q=0` refuses it).
    static func acceptsGzip(_ values: [String]) -> Bool {
        for value in values {
            for item in value.split(separator: ",") {
                let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                guard let coding = parts.first, coding == "gzip" || coding == "*" else { continue }
                let refused = parts.dropFirst().contains { $0.hasPrefix("q=") && Double($0.dropFirst(2)) == 0 }
                if !refused { return true }
            }
        }
        return false
    }

    /// A URL whose content never changes: the build puts a content hash in the query (`?v=3f2a9c1b0d`) or the name
    /// (`app.3f2a9c1b.js`).
    static func isContentVersioned(path: String, query: String?) -> Bool {
        if let query, query.split(separator: "&").contains(where: { $0.hasPrefix("v=") && $0.count > 2 }) { return true }
        let name = path.split(separator: "/").last.map(String.init) ?? ""
        let segments: [Substring] = name.split(separator: ".")
        return segments.dropFirst().dropLast().contains { (segment: Substring) in
            segment.count >= 8 && segment.allSatisfy { $0.isHexDigit }
        }
    }
}
