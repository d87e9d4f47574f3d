#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif
import Foundation

/// Where log lines go: a file descriptor written in batches.
///
/// A service that logs every request (the gateway's access log) made one `write` system call per line, a cost paid
/// on the request's thread. Lines are collected here instead and written together by a background thread at most
/// `flushInterval` after the first of them (what nginx's `access_log … buffer= flush=` does), or at once when
/// `maxPending` bytes are waiting. Warnings and worse are written at once, after whatever waits before them, so the
/// lines keep their order and a failure is on disk before anything else happens.
public final class LogOutput: @unchecked Sendable {
    /// Standard error, where every service logs; what waits there at a normal exit is written by an `atexit` handler.
    public static let standardError: LogOutput = {
        let output = LogOutput(fileDescriptor: 2)
        atexit { LogOutput.standardError.flush() }
        return output
    }()

    public let flushInterval: Duration
    public let maxPending: Int
    private let fileDescriptor: Int32
    private let condition = NSCondition()
    private var pending: [UInt8] = []

    public init(fileDescriptor: Int32, flushInterval: Duration = .milliseconds(100), maxPending: Int = 64 * 1024) {
        self.fileDescriptor = fileDescriptor
        self.flushInterval = flushInterval
        self.maxPending = maxPending
        pending.reserveCapacity(maxPending + 1024)
        // The thread holds the output for the rest of the process: services make one, for standard error.
        let thread = Thread { self.flushLoop() }
        thread.name = "log-output"
        thread.start()
    }

    /// Adds one line (a newline is appended); `immediately` writes it, and everything before it, before returning.
    public func write(_ line: String, immediately: Bool = false) {
        condition.lock()
        defer { condition.unlock() }
        let wasEmpty = pending.isEmpty
        pending.append(contentsOf: line.utf8)
        pending.append(UInt8(ascii: "\n"))
        if immediately || pending.count >= maxPending {
            writePending()
        } else if wasEmpty {
            condition.signal()
        }
    }

    /// Writes everything waiting.
    public func flush() {
        condition.lock()
        defer { condition.unlock() }
        writePending()
    }

    /// Lines waiting to be written, in bytes.
    public var pendingBytes: Int {
        condition.lock()
        defer { condition.unlock() }
        return pending.count
    }

    private func flushLoop() {
        let microseconds = UInt32(clamping: flushInterval.components.seconds * 1_000_000 + flushInterval.components.attoseconds / 1_000_000_000_000)
        while true {
            condition.lock()
            while pending.isEmpty { condition.wait() }
            condition.unlock()
            // Let more lines gather before writing.
            usleep(microseconds)
            flush()
        }
    }

    /// Called with the lock held.
    private func writePending() {
        guard !pending.isEmpty else { return }
        pending.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = systemWrite(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    break  // a closed or full descriptor: the lines cannot be written anywhere else either
                }
            }
        }
        pending.removeAll(keepingCapacity: true)
    }
}
