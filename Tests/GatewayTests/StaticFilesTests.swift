import Foundation
import Testing
@testable import Gateway

@Suite("Dashboard static files")
struct StaticFilesTests {
    /// A dist folder like `scripts/local/build-dashboard` writes: files with gzip siblings, and one without.
    static func makeDist() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-dist-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try #"<!doctype html><script src="/app.js?v=0123456789"></script>"#.write(to: folder.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        try String(repeating: "console.log('dashboard');\n", count: 200).write(to: folder.appendingPathComponent("app.js"), atomically: true, encoding: .utf8)
        try #"[{"reviewText":"fine","overall":4}]"#.write(to: folder.appendingPathComponent("samples.json"), atomically: true, encoding: .utf8)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-9", "-n", "-k", folder.appendingPathComponent("app.js").path, folder.appendingPathComponent("index.html").path]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)
        return folder
    }

    @Test("the precompressed file is served to clients that accept gzip, the plain one to others")
    func gzipWhenAccepted() async throws {
        let dist = try Self.makeDist()
        defer { try? FileManager.default.removeItem(at: dist) }
        try await GatewayHarness.run(staticDirectory: dist.path) { gateway in
            let compressed = try await gateway.send("/app.js?v=0123456789", headers: [("Accept-Encoding", "br, gzip")])
            #expect(compressed.status == 200)
            #expect(compressed.headers["content-encoding"] == ["gzip"])
            #expect(compressed.headers["content-type"].first?.contains("javascript") == true)
            #expect(compressed.headers["vary"] == ["Accept-Encoding"])
            #expect(Data(compressed.body.readableBytesView) == (try Data(contentsOf: dist.appendingPathComponent("app.js.gz"))))
            #expect(compressed.headers["cache-control"] == ["public, max-age=31536000, immutable"])

            let plain = try await gateway.send("/app.js?v=0123456789", headers: [("Accept-Encoding", "gzip;q=0")])
            #expect(plain.headers["content-encoding"].isEmpty)
            #expect(Data(plain.body.readableBytesView) == (try Data(contentsOf: dist.appendingPathComponent("app.js"))))
        }
    }

    @Test("index.html is revalidated every time; unversioned files too; ETag gives 304")
    func cachingHeaders() async throws {
        let dist = try Self.makeDist()
        defer { try? FileManager.default.removeItem(at: dist) }
        try await GatewayHarness.run(staticDirectory: dist.path) { gateway in
            let index = try await gateway.send("/")
            #expect(index.status == 200)
            #expect(index.headers["cache-control"] == ["no-cache"])
            #expect(index.headers["content-type"].first?.hasPrefix("text/html") == true)
            let samples = try await gateway.send("/samples.json")
            #expect(samples.headers["cache-control"] == ["no-cache"])
            let etag = try #require(samples.headers["etag"].first)
            let again = try await gateway.send("/samples.json", headers: [("If-None-Match", etag)])
            #expect(again.status == 304)
        }
    }

    @Test("a path that is not a file gets index.html (single-page app routes), but /api/ paths never do")
    func spaFallback() async throws {
        let dist = try Self.makeDist()
        defer { try? FileManager.default.removeItem(at: dist) }
        try await GatewayHarness.run(staticDirectory: dist.path) { gateway in
            let deepLink = try await gateway.send("/manage")
            #expect(deepLink.status == 200)
            #expect(deepLink.text.contains("<!doctype html>"))
            #expect(deepLink.headers["cache-control"] == ["no-cache"])
            let api = try await gateway.send("/api/no/such/route")
            #expect(api.status == 404)
            #expect(!api.text.contains("<!doctype html>"))
        }
    }

    @Test("without a dashboard build, unknown paths get a JSON 404")
    func missingBuild() async throws {
        try await GatewayHarness.run(staticDirectory: "/nonexistent-\(UUID().uuidString)") { gateway in
            let reply = try await gateway.send("/manage")
            #expect(reply.status == 404)
            #expect(reply.text.contains(#""error":"not_found""#))
        }
    }
}
