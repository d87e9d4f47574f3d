/// An `AsyncSequence` of change events, each the server's event document (`operationType`, `documentKey`,
/// `fullDocument`, `updateDescription`, `ns`, ...).
///
/// The stream opens as soon as it is created, on a dedicated thread that holds one pooled client until the stream
/// ends; events from writes made after `waitUntilOpen()` returns are all delivered. Cancelling the iterating task,
/// calling `close()`, or releasing the stream ends it; an error (e.g. the server dropping the cursor and the single
/// automatic resume failing) ends it by throwing from the iterator.
public final class MongoChangeStream: AsyncSequence, Sendable {
    public typealias Element = BSONDocument

    private let reader: ChangeStreamReader

    init(client: MongoClient, target: ChangeStreamReader.Target, pipeline: [BSONDocument],
         fullDocument: MongoFullDocument) {
        reader = ChangeStreamReader(client: client, target: target, pipeline: pipeline, fullDocument: fullDocument)
        reader.start()
    }

    deinit {
        reader.close()
    }

    /// Returns once the server has opened the stream; throws if opening failed.
    public func waitUntilOpen() async throws {
        try await reader.waitUntilOpen()
    }

    /// Ends the stream; an iterator waiting for the next event receives `nil`. Idempotent.
    public func close() {
        reader.close()
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        // Holding the stream keeps it open for as long as someone iterates it.
        private let stream: MongoChangeStream

        init(stream: MongoChangeStream) { self.stream = stream }

        public mutating func next() async throws -> BSONDocument? {
            try await stream.reader.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(stream: self)
    }
}
