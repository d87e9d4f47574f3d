import Foundation
import Logging
internal import CRdKafka

/// Produces messages and reports each one's delivery. Thread-safe.
///
/// `send` hands messages to librdkafka (which never blocks) and suspends until the broker acknowledged them. A
/// background thread, started in `init` and stopped by `shutdown()`, polls librdkafka for delivery reports.
/// Unchecked Sendable: librdkafka's producer handle is thread-safe; `shutdownTask` is behind `lock`.
public final class KafkaProducer: @unchecked Sendable {
    private let client: RDKafkaClient
    private let worker: RDKafkaWorker
    private let configuration: KafkaProducerConfiguration
    private let logger: Logger
    private let lock = NSLock()
    private var shutdownTask: Task<Void, Never>?

    public init(configuration: KafkaProducerConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        let context = RDKafkaCallbackContext(logger: logger)
        let client = try RDKafkaClient(kind: .producer, properties: configuration.rdKafkaProperties, context: context)
        let handle = try client.handle()
        self.client = client
        // The 100 ms poll bounds how late a queued flush starts; yield interrupts it sooner.
        worker = RDKafkaWorker(
            name: "kafka-producer-poll",
            idle: { rd_kafka_poll(handle, 100) },
            wake: { rd_kafka_yield(handle) }
        )
    }

    deinit {
        // Without shutdown(): stop polling; the handle goes when the worker's last reference to the client does.
        let client = self.client
        worker.stop { client.destroy() }
    }

    /// Sends one message and returns once the broker acknowledged it; throws `KafkaError` otherwise (for
    /// example `KafkaError.Code.messageTimedOut` after `messageTimeoutMilliseconds`).
    public func send(_ message: KafkaProducerMessage) async throws -> KafkaDeliveryReport {
        try await send([message])[0]
    }

    /// Sends many messages at once and awaits all their reports, returned in input order. If any fails, throws
    /// the first failure after every message is settled.
    public func send(_ messages: [KafkaProducerMessage]) async throws -> [KafkaDeliveryReport] {
        guard !messages.isEmpty else { return [] }
        let batch = RDKafkaDeliveryBatch(count: messages.count)
        let deadline = ContinuousClock.now + .milliseconds(configuration.messageTimeoutMilliseconds)
        for (index, message) in messages.enumerated() {
            let id = client.context.deliveries.register(batch, index: index)
            while true {
                guard let error = enqueue(message, id: id) else { break }
                if error.code == KafkaError.Code.queueFull, ContinuousClock.now < deadline, !Task.isCancelled {
                    // The local queue drains as the poll thread receives reports.
                    try? await Task.sleep(for: .milliseconds(5))
                    continue
                }
                client.context.deliveries.settle(id, with: .failure(error))
                break
            }
        }
        return try await batch.wait()
    }

    /// The producer's fatal error, if it is in a fatal state (for example an idempotent producer whose broker lost
    /// acknowledged messages: "out of order sequence number"). Every later send fails; make a new producer.
    public var fatalError: KafkaError? {
        try? client.withHandle { RDKafkaClient.fatalError(of: $0) }
    }

    /// Looks `topic` up on the broker now, so the first message for it is sent at once.
    ///
    /// Without this, librdkafka learns a topic's partitions only once a message for it is queued, and the Debian
    /// build sends that lookup on its next one-second timer tick: an api-server's first review waited ~0.94 s for
    /// its acknowledgement, every one after it a few milliseconds. The answer stays in librdkafka's metadata cache,
    /// which a message's topic handle starts from.
    public func loadMetadata(topic: String, timeout: Duration = .seconds(5)) async throws {
        let client = self.client
        try await worker.run {
            let handle = try client.handle()
            guard let topicHandle = rd_kafka_topic_new(handle, topic, nil) else {
                throw KafkaError(rd_kafka_last_error(), while: "creating a handle for topic \(topic)")
            }
            defer { rd_kafka_topic_destroy(topicHandle) }
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let result = rd_kafka_metadata(handle, 0, topicHandle, &metadata, Int32(clamping: timeout.milliseconds))
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
                throw KafkaError(result, while: "reading the metadata of topic \(topic)")
            }
            rd_kafka_metadata_destroy(metadata)
        }
    }

    /// Starts ``loadMetadata(topic:timeout:)`` without waiting for it, so a broker that is down does not hold up a
    /// service's start; if it fails, the first message does the lookup.
    public func prepare(topic: String) {
        let logger = self.logger
        Task {
            do {
                try await self.loadMetadata(topic: topic)
            } catch {
                logger.notice("could not look a topic up yet", metadata: ["topic": "\(topic)", "error": "\(error)"])
            }
        }
    }

    /// Waits until every queued message is delivered or failed; throws `KafkaError.Code.timedOut` if `timeout`
    /// passes first.
    public func flush(timeout: Duration) async throws {
        let client = self.client
        let milliseconds = Int32(clamping: timeout.milliseconds)
        let result = try await worker.run { rd_kafka_flush(try client.handle(), milliseconds) }
        if result != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(result, while: "flushing the producer")
        }
    }

    /// Flushes (bounded by the message timeout), stops the poll thread and destroys the handle. Messages still
    /// undelivered then fail their `send`. Idempotent; concurrent callers all wait for the same shutdown.
    public func shutdown() async {
        let task = lock.withLock {
            if let existing = shutdownTask { return existing }
            let task = Task { await self.performShutdown() }
            shutdownTask = task
            return task
        }
        await task.value
    }

    private func performShutdown() async {
        do {
            try await flush(timeout: .milliseconds(configuration.messageTimeoutMilliseconds + 1000))
        } catch {
            logger.warning("producer shut down with undelivered messages", metadata: ["error": "\(error)"])
            let client = self.client
            // Purged messages get their (failed) delivery reports from the final poll.
            _ = try? await worker.run {
                let handle = try client.handle()
                rd_kafka_purge(handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
                rd_kafka_poll(handle, 0)
            }
        }
        await worker.stop()
        client.destroy()
        client.context.deliveries.settleAll(with: KafkaError.closed("the Kafka producer"))
    }

    /// Hands one message to librdkafka; returns why it was refused, if it was.
    private func enqueue(_ message: KafkaProducerMessage, id: UInt) -> KafkaError? {
        var buffers: [UnsafeMutableRawPointer] = []
        defer { buffers.forEach { free($0) } }
        func copy(_ bytes: [UInt8]) -> UnsafeMutableRawPointer {
            // Never NULL, even for zero bytes: NULL would mean a null value, not an empty one.
            let buffer = malloc(max(bytes.count, 1))!
            bytes.withUnsafeBytes { if let base = $0.baseAddress { buffer.copyMemory(from: base, byteCount: bytes.count) } }
            buffers.append(buffer)
            return buffer
        }
        func copy(_ text: String) -> UnsafeMutablePointer<CChar> {
            let buffer = strdup(text)!
            buffers.append(UnsafeMutableRawPointer(buffer))
            return buffer
        }

        var values: [rd_kafka_vu_t] = []
        var topic = rd_kafka_vu_t()
        topic.vtype = RD_KAFKA_VTYPE_TOPIC
        topic.u.cstr = UnsafePointer(copy(message.topic))
        values.append(topic)
        var value = rd_kafka_vu_t()
        value.vtype = RD_KAFKA_VTYPE_VALUE
        value.u.mem.ptr = copy(message.value)
        value.u.mem.size = message.value.count
        values.append(value)
        if let key = message.key {
            var entry = rd_kafka_vu_t()
            entry.vtype = RD_KAFKA_VTYPE_KEY
            entry.u.mem.ptr = copy(key)
            entry.u.mem.size = key.count
            values.append(entry)
        }
        if let partition = message.partition {
            var entry = rd_kafka_vu_t()
            entry.vtype = RD_KAFKA_VTYPE_PARTITION
            entry.u.i32 = partition
            values.append(entry)
        }
        for header in message.headers {
            var entry = rd_kafka_vu_t()
            entry.vtype = RD_KAFKA_VTYPE_HEADER
            entry.u.header.name = UnsafePointer(copy(header.key))
            entry.u.header.val = header.value.map { UnsafeRawPointer(copy($0)) }
            entry.u.header.size = header.value.map { $0.count } ?? 0
            values.append(entry)
        }
        var flags = rd_kafka_vu_t()
        flags.vtype = RD_KAFKA_VTYPE_MSGFLAGS
        flags.u.i = RD_KAFKA_MSG_F_COPY
        values.append(flags)
        var opaque = rd_kafka_vu_t()
        opaque.vtype = RD_KAFKA_VTYPE_OPAQUE
        opaque.u.ptr = UnsafeMutableRawPointer(bitPattern: id)
        values.append(opaque)

        do {
            // Holding the client's lock keeps shutdown from destroying the handle mid-call; produceva never blocks.
            return try client.withHandle { handle in
                let count = values.count
                return values.withUnsafeMutableBufferPointer { buffer in
                    rd_kafka_produceva(handle, buffer.baseAddress, count).map { KafkaError(consuming: $0, while: "producing to \(message.topic)") }
                }
            }
        } catch let error as KafkaError {
            return error
        } catch {
            return KafkaError(code: KafkaError.Code.closed, message: "\(error)")
        }
    }
}
