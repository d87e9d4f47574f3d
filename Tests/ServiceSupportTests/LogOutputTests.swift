import Foundation
import Logging
import Testing

@testable import ServiceSupport

@Suite("log output")
struct LogOutputTests {
    /// A pipe whose read end collects what the output writes.
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

    @Test func aFullBufferIsWrittenWithoutWaiting() {
        let pipe = Pipe()
        let output = LogOutput(fileDescriptor: pipe.write, flushInterval: .seconds(60), maxPending: 100)
        let line = String(repeating: "x", count: 60)
        output.write(line)
        #expect(pipe.drain() == "")
        output.write(line)
        #expect(pipe.drain() == line + "\n" + line + "\n")
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
}
