#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif
import Foundation

/// Where log lines go: a file descriptor written in batches, or a log file that is rotated by size.
///
/// A service that logs every request (the gateway's access log) made one `write` system call per line, a cost paid
/// on the request's thread. Lines are collected here instead and written together by a background thread at most
/// `flushInterval` after the first of them (what nginx's `access_log … buffer= flush=` does), or as soon as
/// `maxPending` bytes are waiting. Warnings and worse are written at once, after whatever waits before them, so the
/// lines keep their order and a failure is on disk before anything else happens.
///
/// A thread that adds a line holds the output's lock only to append it: the writer takes the waiting bytes by
/// swapping buffers and writes them with the lock released. (When it wrote with the lock held, a writer preempted on
/// a busy machine stalled every request thread that logged meanwhile.) Only when the writer falls behind by
/// `8 × maxPending` bytes does the thread adding a line write them itself.
///
/// A rotating file (``init(rotating:flushInterval:maxPending:)``) is what a service started by the local scripts logs
/// to: the gateway writes a line per request, tens of megabytes a minute under a benchmark, and nothing else on the
/// machine rotates the file. When the file reaches ``Rotation/maxBytes`` it becomes `<path>.1` (older ones move up
/// to `<path>.<keep>`, the oldest is deleted) and a new file is opened; the descriptors in ``Rotation/redirect``
/// (standard output and error, for a service) are pointed at the new file each time, so what libraries and the
/// runtime print lands next to the log lines.
/// Unchecked Sendable: the pending bytes are behind `condition`; the bytes being written, the file descriptor and its
/// size behind `writing`, which is taken before `condition` whenever both are held.
public final class LogOutput: @unchecked Sendable {
    /// Standard error, where every service logs; what waits there at a normal exit is written by an `atexit` handler.
    public static let standardError: LogOutput = {
        let output = LogOutput(fileDescriptor: 2)
        flushedAtExit.add(output)
        return output
    }()

    /// How a log file is rotated.
    public struct Rotation: Sendable {
        public var path: String
        /// The size at which the file is rotated (checked after each batch, so a file can exceed it by one batch).
        public var maxBytes: Int
        /// How many rotated files are kept: `<path>.1` (the newest) to `<path>.<keep>`; 0 keeps none.
        public var keep: Int
        /// Descriptors pointed at the current file with `dup2`, at the start and after every rotation.
        public var redirect: [Int32]

        public init(path: String, maxBytes: Int, keep: Int, redirect: [Int32] = []) {
            self.path = path
            self.maxBytes = maxBytes
            self.keep = keep
            self.redirect = redirect
        }
    }

    /// The log file could not be opened.
    public struct OpenError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot open log file \(path): \(reason)" }
    }

    public let flushInterval: Duration
    public let maxPending: Int
    private let rotation: Rotation?
    private var fileDescriptor: Int32
    /// Bytes in the current file (rotating outputs only).
    private var fileBytes = 0
    private let condition = NSCondition()
    private var pending: [UInt8] = []
    /// Serialises writes (and rotation): a batch is taken from `pending` and written under it, so batches keep their order.
    private let writing = NSLock()
    /// The batch being written, swapped with `pending` under both locks.
    private var batch: [UInt8] = []

    public init(fileDescriptor: Int32, flushInterval: Duration = .milliseconds(100), maxPending: Int = 64 * 1024) {
        self.fileDescriptor = fileDescriptor
        self.flushInterval = flushInterval
        self.maxPending = maxPending
        self.rotation = nil
        start()
    }

    /// Appends to the file at `rotation.path` (created if missing) and rotates it by size; what is pending at a normal
    /// exit is written by an `atexit` handler.
    public init(rotating rotation: Rotation, flushInterval: Duration = .milliseconds(100), maxPending: Int = 64 * 1024) throws {
        precondition(rotation.maxBytes > 0 && rotation.keep >= 0, "a rotation needs a positive size and a non-negative count")
        self.flushInterval = flushInterval
        self.maxPending = maxPending
        self.rotation = rotation
        self.fileDescriptor = try Self.open(rotation)
        var status = stat()
        fileBytes = fstat(fileDescriptor, &status) == 0 ? Int(status.st_size) : 0
        start()
        Self.flushedAtExit.add(self)
    }

    private func start() {
        pending.reserveCapacity(maxPending + 1024)
        batch.reserveCapacity(maxPending + 1024)
        // The thread holds the output for the rest of the process: services make one.
        let thread = Thread { self.flushLoop() }
        thread.name = "log-output"
        thread.start()
    }

    /// Adds one line (a newline is appended); `immediately` writes it, and everything before it, before returning.
    public func write(_ line: String, immediately: Bool = false) {
        writeLine(immediately: immediately) { $0.append(contentsOf: line.utf8) }
    }

    /// Adds one line that `build` appends to the waiting bytes in place (a newline is appended): no string is made
    /// for it. `build` runs with the output's lock held, so it must only append.
    public func writeLine(immediately: Bool = false, _ build: (inout [UInt8]) -> Void) {
        condition.lock()
        let wasEmpty = pending.isEmpty
        build(&pending)
        pending.append(UInt8(ascii: "\n"))
        let waiting = pending.count
        if !immediately, waiting < 8 * maxPending, wasEmpty || waiting >= maxPending { condition.signal() }
        condition.unlock()
        if immediately || waiting >= 8 * maxPending { flush() }
    }

    /// Writes everything waiting.
    public func flush() {
        writing.lock()
        defer { writing.unlock() }
        condition.lock()
        swap(&pending, &batch)
        condition.unlock()
        writeBatch()
    }

    /// Lines waiting to be written, in bytes.
    public var pendingBytes: Int {
        condition.lock()
        defer { condition.unlock() }
        return pending.count
    }

    /// Waits for a first line, lets more gather for up to `flushInterval` (less once `maxPending` bytes wait), writes.
    private func flushLoop() {
        condition.lock()
        while true {
            while pending.isEmpty { condition.wait() }
            let deadline = Date(timeIntervalSinceNow: Double(flushInterval.components.seconds) + Double(flushInterval.components.attoseconds) / 1e18)
            while pending.count < maxPending, condition.wait(until: deadline) {}
            condition.unlock()
            flush()
            condition.lock()
        }
    }

    /// Called with `writing` held: writes `batch` and empties it.
    private func writeBatch() {
        guard !batch.isEmpty else { return }
        let fileDescriptor = self.fileDescriptor
        let written = batch.withUnsafeBytes { bytes in
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
            return offset
        }
        batch.removeAll(keepingCapacity: true)
        if let rotation {
            fileBytes += written
            if fileBytes >= rotation.maxBytes { rotate(rotation) }
        }
    }

    /// Called with `writing` held: moves the files up by one and opens a new one. If the new file cannot be opened,
    /// the output stays on the current one (which then goes on growing) rather than losing lines.
    private func rotate(_ rotation: Rotation) {
        let path = rotation.path
        if rotation.keep > 0 {
            for index in stride(from: rotation.keep - 1, through: 1, by: -1) {
                _ = Foundation.rename("\(path).\(index)", "\(path).\(index + 1)")
            }
            _ = Foundation.rename(path, "\(path).1")
        } else {
            _ = unlink(path)
        }
        guard let opened = try? Self.open(rotation) else { return }
        if !rotation.redirect.contains(fileDescriptor) { _ = close(fileDescriptor) }
        fileDescriptor = opened
        fileBytes = 0
    }

    /// Opens (appending, creating) the file and points the redirected descriptors at it.
    private static func open(_ rotation: Rotation) throws -> Int32 {
        let descriptor = Foundation.open(rotation.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OpenError(path: rotation.path, reason: String(cString: strerror(errno))) }
        for target in rotation.redirect where target != descriptor {
            _ = dup2(descriptor, target)
        }
        return descriptor
    }

    /// Outputs whose pending lines are written by one `atexit` handler.
    static let flushedAtExit = ExitFlushList()

    /// Unchecked Sendable: the list and the registered flag are behind `lock`.
    final class ExitFlushList: @unchecked Sendable {
        private let lock = NSLock()
        private var outputs: [LogOutput] = []
        private var registered = false

        func add(_ output: LogOutput) {
            lock.withLock {
                outputs.append(output)
                if !registered {
                    registered = true
                    atexit { LogOutput.flushedAtExit.flushAll() }
                }
            }
        }

        func flushAll() {
            for output in lock.withLock({ outputs }) { output.flush() }
        }
    }
}
