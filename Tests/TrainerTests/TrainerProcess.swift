import Foundation

/// Runs the built `trainer` binary, as an operator or a script would.
struct TrainerProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixture = packageRoot.appendingPathComponent("Tests/Fixtures/reviews-sample.jsonl")

    /// `swift test` builds the package's executables next to the test bundle.
    static let binary: URL = {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On macOS the test binary sits inside an .xctest bundle.
        while directory.pathComponents.count > 1, !FileManager.default.fileExists(atPath: directory.appendingPathComponent("trainer").path) {
            if directory.pathExtension != "xctest" && directory.lastPathComponent != "Contents" && directory.lastPathComponent != "MacOS" { break }
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("trainer")
    }()

    static func run(_ arguments: [String]) throws -> Result {
        // Files rather than pipes, so a chatty child can never block on a full pipe.
        let stdoutFile = try temporaryFile("stdout", contents: ""), stderrFile = try temporaryFile("stderr", contents: "")
        defer { try? FileManager.default.removeItem(at: stdoutFile); try? FileManager.default.removeItem(at: stderrFile) }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: try String(contentsOf: stdoutFile, encoding: .utf8),
                      stderr: try String(contentsOf: stderrFile, encoding: .utf8))
    }

    /// A unique path in the temporary directory, optionally with contents.
    static func temporaryFile(_ name: String, contents: String? = nil) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("trainer-test-\(UUID().uuidString.prefix(8))-\(name)")
        if let contents { try Data(contents.utf8).write(to: url) }
        return url
    }

    /// The first `count` lines of the fixture.
    static func fixtureLines(_ count: Int) throws -> [String] {
        Array(try String(contentsOf: fixture, encoding: .utf8).split(separator: "\n").prefix(count).map(String.init))
    }
}
