import Foundation
import Logging
import Testing

@testable import ServiceSupport

@Suite("log output")
struct LogOutputTests {
    /// A pipe whose read end collects what the output writes.
    /// Unchecked Sendable: two file descriptors fixed in `init`; reads are non-blocking system calls.
    final class Pipe: @unchecked Sendable {
        let read: Int32, write: Int32
        init() {
            var ends: [Int32] = [0, 0]
            precondition(pipe(&ends) == 0)
            read = ends[0]
            write = ends[1]
            _ = fcntl(read, F_SETFL, fcntl(read, F_GETFL) | O_NONBLOCK)
        }

        /// Everything written so far and not yet read.
        func drain() -> String {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = Foundation.read(read, &buffer, buffer.count)
                guard count > 0 else { break }
                bytes += buffer[0..<count]
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    @Test func linesAreWrittenTogetherWithinTheFlushInterval() async throws {
        let pipe = Pipe()
        let output = LogOutput(fileDescriptor: pipe.write, flushInterval: .milliseconds(200))
        output.write("one")
        output.write("two")
        #expect(pipe.drain() == "", "nothing is written at once")
        #expect(output.pendingBytes == 8)
        let deadline = ContinuousClock.now + .seconds(5)
        var seen = ""
        while seen.isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            seen = pipe.drain()
        }
        #expect(seen == "one\ntwo\n")
        #expect(output.pendingBytes == 0)
    }

    @Test func anImmediateLineIsWrittenAfterWhatWaitsBeforeIt() {
        let pipe = Pipe()
        let output = LogOutput(fileDescriptor: pipe.write, flushInterval: .seconds(60))
        output.write("request")
        output.write("upstream down", immediately: true)
        #expect(pipe.drain() == "request\nupstream down\n")
    }

    /// A full buffer wakes the writer at once (the flush interval here is a minute); past eight times that, the thread
    /// adding a line writes them itself.
    @Test func aFullBufferIsWrittenWithoutWaitingForTheInterval() async throws {
        let pipe = Pipe()
        let output = LogOutput(fileDescriptor: pipe.write, flushInterval: .seconds(60), maxPending: 100)
        let line = String(repeating: "x", count: 60)
        output.write(line)
        try await Task.sleep(for: .milliseconds(100))
        #expect(pipe.drain() == "", "less than maxPending waits for the interval")
        output.write(line)
        let deadline = ContinuousClock.now + .seconds(5)
        var seen = ""
        while seen.count < 122, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
            seen += pipe.drain()
        }
        #expect(seen == line + "\n" + line + "\n")
    }

    @Test func linesKeepTheirOrderUnderManyWritingThreads() async throws {
        let path = try Self.temporaryDirectory().appendingPathComponent("order.log").path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let output = LogOutput(fileDescriptor: descriptor, flushInterval: .milliseconds(5), maxPending: 512)
        await withTaskGroup(of: Void.self) { group in
            for thread in 0..<8 {
                group.addTask {
                    for index in 0..<2_000 { output.write("t\(thread) \(index)", immediately: index % 500 == 499) }
                }
            }
        }
        output.flush()
        let lines = try #require(Self.contents(path)).split(separator: "\n")
        #expect(lines.count == 8 * 2_000)
        for thread in 0..<8 {
            let own = lines.filter { $0.hasPrefix("t\(thread) ") }.map { Int($0.split(separator: " ")[1])! }
            #expect(own == Array(0..<2_000), "thread \(thread)'s lines out of order or missing")
        }
    }

    /// A fresh directory for log files.
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("log-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func aLogFileIsRotatedBySizeKeepingTheNewestFiles() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("gateway.log").path
        try "earlier run\n".write(toFile: path, atomically: false, encoding: .utf8)
        let output = try LogOutput(rotating: .init(path: path, maxBytes: 100, keep: 2), flushInterval: .seconds(60))
        let lines = (0..<38).map { String(format: "line %02d %@", $0, String(repeating: "x", count: 12)) }  // 21 bytes
        for line in lines { output.write(line, immediately: true) }

        // 38 lines of 21 bytes, rotated once a file holds 100 bytes or more: 5 lines a file (the first also holds
        // the earlier run's line), so the current file holds lines 35–37, <path>.1 30–34, <path>.2 25–29, and
        // nothing older is kept.
        let files = [path + ".2", path + ".1", path].map { Self.contents($0) }
        #expect(files.allSatisfy { $0 != nil })
        #expect(Self.contents(path + ".3") == nil, "only 2 rotated files are kept")
        #expect(files.compactMap { $0 }.joined() == lines[25...].map { $0 + "\n" }.joined())
        for file in files.dropLast() { #expect((file?.utf8.count ?? 0) >= 100) }
    }

    @Test func withNothingKeptTheFileStartsOverWhenFull() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("api.log").path
        let output = try LogOutput(rotating: .init(path: path, maxBytes: 10, keep: 0), flushInterval: .seconds(60))
        output.write("first line", immediately: true)
        output.write("second", immediately: true)
        #expect(Self.contents(path) == "second\n")
        #expect(Self.contents(path + ".1") == nil)
    }

    @Test func redirectedDescriptorsFollowTheCurrentFile() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("processor.log").path
        // Stands in for standard error, which a service redirects: a descriptor the test owns.
        let spare = open("/dev/null", O_WRONLY)
        try #require(spare >= 0)
        defer { close(spare) }
        let output = try LogOutput(rotating: .init(path: path, maxBytes: 20, keep: 1, redirect: [spare]), flushInterval: .seconds(60))
        #expect(write(spare, "from a library\n", 15) == 15)
        output.write("a line of twenty-one", immediately: true)  // rotates
        #expect(write(spare, "after rotation\n", 15) == 15)
        output.write("newest", immediately: true)
        #expect(Self.contents(path + ".1") == "from a library\na line of twenty-one\n")
        #expect(Self.contents(path) == "after rotation\nnewest\n")
    }

    @Test func anUnopenableLogFileIsAnErrorNamingIt() {
        #expect(throws: LogOutput.OpenError.self) {
            _ = try LogOutput(rotating: .init(path: "/nonexistent-directory/x.log", maxBytes: 100, keep: 1))
        }
    }

    /// What the handler wrote before it built lines in one string.
    static func previousLogfmt(time: String, level: Logger.Level, label: String, message: String, fields: Logger.Metadata) -> String {
        func quoted(_ value: String) -> String {
            guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\n" }) else { return value }
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\"\(escaped)\""
        }
        var parts = ["time=\(time)", "level=\(level.rawValue)", "logger=\(quoted(label))", "msg=\(quoted(message))"]
        for key in fields.keys.sorted() { parts.append("\(key)=\(quoted(fields[key]!.description))") }
        return parts.joined(separator: " ")
    }

    @Test func logfmtLinesAreTheSameAsBefore() {
        let cases: [(String, Logger.Metadata)] = [
            ("request", ["method": "GET", "path": "/api/results/wordcount", "status": "200", "ms": "0.4", "client": "127.0.0.1"]),
            ("upstream request failed", ["error": "connection refused: \"x\" = y\nnext", "upstream": "127.0.0.1:3001", "empty": ""]),
            ("naïve café ☕ msg", ["ünïcode": "a b", "z": "é=1", "a": .stringConvertible(42)]),
            ("", [:]),
        ]
        for (message, fields) in cases {
            for level in [Logger.Level.info, .warning] {
                #expect(StructuredLogHandler.logfmt(time: "2026-12-03T21:00:00.000", level: level, label: "gateway", message: message, fields: fields)
                    == Self.previousLogfmt(time: "2026-12-03T21:00:00.000", level: level, label: "gateway", message: message, fields: fields))
            }
        }
    }

    @Test func sortedFieldsGiveTheLineTheMetadataWould() {
        let fields: [(key: String, value: String)] = [
            ("bytes", "4700"), ("client", "127.0.0.1"), ("error", "read: \"x\" = y\\z\nnext"), ("method", "GET"), ("ms", "0.4"), ("path", "/api/v1/x y"),
        ]
        let metadata = Logger.Metadata(uniqueKeysWithValues: fields.map { ($0.key, Logger.MetadataValue.string($0.value)) })
        for format in [LogFormat.logfmt, .json] {
            let pipe = Pipe()
            let output = LogOutput(fileDescriptor: pipe.write, flushInterval: .seconds(60))
            let handler = StructuredLogHandler(label: "gateway", format: format, level: .info, output: output)
            handler.log(level: .info, message: "request", sortedFields: fields)
            handler.log(event: LogEvent(level: .info, message: "request", metadata: metadata, source: "", file: "", function: "", line: 0))
            handler.log(level: .debug, message: "below the level", sortedFields: fields)
            output.flush()
            // The time differs between the two lines (milliseconds); everything after it must not.
            let lines = pipe.drain().split(separator: "\n").map { line in
                format == .logfmt ? String(line.drop { $0 != " " }) : String(line.replacing(/"time":"[^"]*"/, with: ""))
            }
            #expect(lines.count == 2, "\(format): \(lines)")
            #expect(lines.first == lines.last, "\(format)")
            #expect(lines.first?.contains("ms") == true)
        }
    }

    @Test func quotedBytesAreTheQuotedString() {
        for value in ["", "plain", "a b", "say \"hi\"", "k=v", "two\nlines", "back\\slash", "back\\slash and space", "naïve café ☕"] {
            var bytes: [UInt8] = []
            StructuredLogHandler.appendQuoted(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == StructuredLogHandler.quoted(value))
        }
    }
}
