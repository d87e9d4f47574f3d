import Foundation
import Logging
internal import CRdKafka

/// Owns one librdkafka handle (`rd_kafka_t`) and the context its callbacks use. The handle is destroyed by
/// `destroy()` or, at the latest, in `deinit`; nothing outside this layer sees it.
/// Unchecked Sendable: the handle pointer is read and cleared under `lock`; librdkafka's handle itself is thread-safe.
final class RDKafkaClient: @unchecked Sendable {
    enum Kind { case producer, consumer }

    private let lock = NSLock()
    private var rawHandle: OpaquePointer?
    let context: RDKafkaCallbackContext
    let kind: Kind

    init(kind: Kind, properties: [String: String], context: RDKafkaCallbackContext) throws {
        self.kind = kind
        self.context = context
        let configuration = rd_kafka_conf_new()
        var errorText = [CChar](repeating: 0, count: 512)
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
            if rd_kafka_conf_set(configuration, name, value, &errorText, errorText.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(configuration)
                throw KafkaError(code: KafkaError.Code.invalidArgument, message: "\(name)=\(value): \(String(cString: errorText))")
            }
        }
        rd_kafka_conf_set_opaque(configuration, context.opaque)
        rd_kafka_conf_set_log_cb(configuration, rdKafkaLogCallback)
        rd_kafka_conf_set_error_cb(configuration, rdKafkaErrorCallback)
        switch kind {
        case .producer: rd_kafka_conf_set_dr_msg_cb(configuration, rdKafkaDeliveryCallback)
        case .consumer: rd_kafka_conf_set_rebalance_cb(configuration, rdKafkaRebalanceCallback)
        }
        let type = kind == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER
        // On success rd_kafka_new owns the configuration; on failure it is still ours.
        guard let handle = rd_kafka_new(type, configuration, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(configuration)
            throw KafkaError(code: KafkaError.Code.invalidArgument, message: "creating the client: \(String(cString: errorText))")
        }
        rawHandle = handle
    }

    deinit { destroy() }

    /// The live handle, or a `closed` error once destroyed. Callers keep the handle only for one call sequence
    /// that their own ordering guarantees finishes before `destroy()`.
    func handle() throws -> OpaquePointer {
        lock.lock()
        defer { lock.unlock() }
        guard let rawHandle else { throw KafkaError.closed(kind == .producer ? "the Kafka producer" : "the Kafka consumer") }
        return rawHandle
    }

    /// Runs `body` with the handle while holding the lock that `destroy()` takes, for calls made from arbitrary
    /// threads (producing) that must not race the destruction.
    func withHandle<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        guard let rawHandle else { throw KafkaError.closed(kind == .producer ? "the Kafka producer" : "the Kafka consumer") }
        return try body(rawHandle)
    }

    /// Destroys the handle (idempotent). For a consumer that was not closed, librdkafka closes it first.
    func destroy() {
        lock.lock()
        let handle = rawHandle
        rawHandle = nil
        lock.unlock()
        if let handle { rd_kafka_destroy(handle) }
    }

    /// The fatal error librdkafka raised on this handle, if any (idempotent producer / consumer fencing).
    static func fatalError(of handle: OpaquePointer) -> KafkaError? {
        var text = [CChar](repeating: 0, count: 512)
        let code = rd_kafka_fatal_error(handle, &text, text.count)
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError(code: code.rawValue, message: "fatal: \(String(cString: text))")
    }
}
