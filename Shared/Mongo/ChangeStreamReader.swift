import CMongoc
import DequeModule
import Foundation

/// Reads a libmongoc change stream on its own thread and hands events to the async consumer through a bounded
/// buffer. The thread holds one pooled client from open until close, and blocks (rather than buffering without
/// bound) when the consumer falls `capacity` events behind.
/// Unchecked Sendable: every mutable field is behind `condition`; the libmongoc stream is used on the reader thread alone.
final class ChangeStreamReader: @unchecked Sendable {
    enum Target {
        case database(String)
        case collection(database: String, name: String)
    }

    /// How long one server wait lasts; bounds how late the thread notices `close()`.
    private static let maxAwaitMilliseconds: Int32 = 250
    private static let capacity = 1024

    private let client: MongoClient
    private let target: Target
    private let pipeline: [BSONDocument]
    private let fullDocument: MongoFullDocument
    private let condition = NSCondition()
    private var events: Deque<BSONDocument> = []
    private var consumers: Deque<CheckedContinuation<BSONDocument?, Error>> = []
    private var openWaiters: [CheckedContinuation<Void, Error>] = []
    private var openResult: Result<Void, Error>?
    private var failure: Error?
    private var readerFinished = false
    private var closed = false

    init(client: MongoClient, target: Target, pipeline: [BSONDocument], fullDocument: MongoFullDocument) {
        self.client = client
        self.target = target
        self.pipeline = pipeline
        self.fullDocument = fullDocument
    }

    func start() {
        let thread = Thread { [self] in readLoop() }
        thread.name = "mongo-change-stream"
        thread.start()
    }

    // MARK: consumer side

    /// The next event; `nil` once closed or cancelled (buffered events are dropped); after a failure, the buffered
    /// events and then the error, once.
    func next() async throws -> BSONDocument? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<BSONDocument?, Error>) in
                condition.lock()
                if closed {
                    condition.unlock()
                    continuation.resume(returning: nil)
                } else if !events.isEmpty {
                    let event = takeEvent()
                    condition.unlock()
                    continuation.resume(returning: event)
                } else if let failure {
                    self.failure = nil
                    closed = true
                    condition.unlock()
                    continuation.resume(throwing: failure)
                } else if readerFinished {
                    condition.unlock()
                    continuation.resume(returning: nil)
                } else {
                    consumers.append(continuation)
                    condition.unlock()
                }
            }
        } onCancel: {
            close()
        }
    }

    func waitUntilOpen() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            condition.lock()
            if let openResult {
                condition.unlock()
                continuation.resume(with: openResult)
            } else if closed {
                condition.unlock()
                continuation.resume(throwing: MongoError.user(message: "the change stream was closed"))
            } else {
                openWaiters.append(continuation)
                condition.unlock()
            }
        }
    }

    /// Ends the stream: waiting consumers get `nil`, and the reader thread stops within one server wait.
    func close() {
        condition.lock()
        closed = true
        let waiting = consumers
        consumers.removeAll()
        let opening = openResult == nil ? openWaiters : []
        if openResult == nil { openWaiters.removeAll() }
        condition.broadcast()
        condition.unlock()
        for consumer in waiting { consumer.resume(returning: nil) }
        for waiter in opening { waiter.resume(throwing: MongoError.user(message: "the change stream was closed")) }
    }

    /// Call with the lock held and an event available.
    private func takeEvent() -> BSONDocument {
        let event = events.removeFirst()
        condition.broadcast()
        return event
    }

    // MARK: reader thread

    private var isClosed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed
    }

    private func readLoop() {
        guard client.register(self) else {
            finish(opened: false, error: MongoError.connection(message: "the MongoClient has been shut down"))
            return
        }
        defer { client.unregister(self) }
        let pool = client.pool
        do {
            try pool.acquireBlocking()
        } catch {
            finish(opened: false, error: error)
            return
        }
        defer { pool.release() }
        let connection = pool.pop()
        defer { pool.push(connection) }
        do {
            try MongocConnection(client: connection, session: nil).withHandle(of: target) { handle in
                try withStream(on: handle) { stream in
                    signalOpen(.success(()))
                    try pump(stream)
                }
            }
            finish(opened: true, error: nil)
        } catch {
            finish(opened: false, error: error)
        }
    }

    private func withStream(on handle: MongocConnection.Handle, _ body: (OpaquePointer) throws -> Void) throws {
        var options: BSONDocument = ["maxAwaitTimeMS": .int32(Self.maxAwaitMilliseconds)]
        if fullDocument == .updateLookup { options["fullDocument"] = "updateLookup" }
        let pipelineDocument: BSONDocument = ["pipeline": .array(pipeline.map { .document($0) })]
        let stream: OpaquePointer? = try pipelineDocument.withBSON { pipeline in
            try options.withBSON { options in
                switch handle {
                case .database(let database): return mongoc_database_watch(database, pipeline, options)
                case .collection(let collection): return mongoc_collection_watch(collection, pipeline, options)
                }
            }
        }
        guard let stream else { throw MongoError.user(message: "libmongoc could not create a change stream") }
        defer { mongoc_change_stream_destroy(stream) }
        try Self.checkError(stream)
        try body(stream)
    }

    private func pump(_ stream: OpaquePointer) throws {
        var current: OpaquePointer?
        while !isClosed {
            if mongoc_change_stream_next(stream, &current), let current {
                guard deliver(BSONDocument(copying: current)) else { return }
            } else {
                // No event within maxAwaitTimeMS is not an error; a failed resume is.
                try Self.checkError(stream)
            }
        }
    }

    private static func checkError(_ stream: OpaquePointer) throws {
        var error = bson_error_t()
        var reply: OpaquePointer?
        if mongoc_change_stream_error_document(stream, &error, &reply) {
            throw MongoError(error, reply: reply)
        }
    }

    /// Hands an event to a waiting consumer or buffers it; blocks while the buffer is full. False once closed.
    private func deliver(_ event: BSONDocument) -> Bool {
        condition.lock()
        while events.count >= Self.capacity && !closed {
            condition.wait()
        }
        if closed {
            condition.unlock()
            return false
        }
        if !consumers.isEmpty {
            let consumer = consumers.removeFirst()
            condition.unlock()
            consumer.resume(returning: event)
        } else {
            events.append(event)
            condition.unlock()
        }
        return true
    }

    private func signalOpen(_ result: Result<Void, Error>) {
        condition.lock()
        guard openResult == nil else {
            condition.unlock()
            return
        }
        openResult = result
        let waiters = openWaiters
        openWaiters.removeAll()
        condition.unlock()
        for waiter in waiters { waiter.resume(with: result) }
    }

    private func finish(opened: Bool, error: Error?) {
        if !opened { signalOpen(.failure(error ?? MongoError.user(message: "the change stream was closed"))) }
        condition.lock()
        readerFinished = true
        let waiting = consumers
        consumers.removeAll()
        // Buffered events are still delivered before the error.
        let report = closed ? nil : error
        if let report, waiting.isEmpty { failure = report }
        condition.unlock()
        for (index, consumer) in waiting.enumerated() {
            if index == 0, let report {
                consumer.resume(throwing: report)
            } else {
                consumer.resume(returning: nil)
            }
        }
    }
}
