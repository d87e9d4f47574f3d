import Foundation
import Logging
internal import CRdKafka

/// Topic administration through librdkafka's admin API. Thread-safe; requests run one at a time on a dedicated
/// thread. Call `close()` when done.
public final class KafkaAdmin: Sendable {
    private let client: RDKafkaClient
    private let worker: RDKafkaWorker

    public init(bootstrapServers: [String], security: KafkaSecurity = .plaintext, logger: Logger) throws {
        let properties = RDKafkaAdminProperties.properties(bootstrapServers: bootstrapServers, clientID: "review-stream-admin", security: security)
        client = try RDKafkaClient(kind: .producer, properties: properties, context: RDKafkaCallbackContext(logger: logger))
        worker = RDKafkaWorker(name: "kafka-admin")
    }

    deinit { close() }

    /// Creates a topic; returns false, without an error, if it already exists.
    @discardableResult
    public func createTopic(
        _ name: String, partitions: Int32, replicationFactor: Int16 = 1, configs: [String: String] = [:], timeout: Duration = .seconds(10)
    ) async throws -> Bool {
        try await request(RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout: timeout, action: "creating topic \(name)") { handle, options, queue in
            var text = [CChar](repeating: 0, count: 512)
            guard let topic = rd_kafka_NewTopic_new(name, partitions, Int32(replicationFactor), &text, text.count) else {
                throw KafkaError(code: KafkaError.Code.invalidArgument, message: "creating topic \(name): \(String(cString: text))")
            }
            defer { rd_kafka_NewTopic_destroy(topic) }
            for (key, value) in configs.sorted(by: { $0.key < $1.key }) {
                let result = rd_kafka_NewTopic_set_config(topic, key, value)
                if result != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(result, while: "topic config \(key)=\(value)") }
            }
            var topics: [OpaquePointer?] = [topic]
            rd_kafka_CreateTopics(handle, &topics, 1, options, queue)
        } result: { event in
            var count = 0
            guard let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count) else { return true }
            for case let result? in UnsafeBufferPointer(start: results, count: count) {
                let code = rd_kafka_topic_result_error(result)
                if code == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS { return false }
                if code != RD_KAFKA_RESP_ERR_NO_ERROR { throw Self.topicError(result, code, "creating topic \(name)") }
            }
            return true
        }
    }

    /// Deletes a topic; deleting a topic that does not exist succeeds.
    public func deleteTopic(_ name: String, timeout: Duration = .seconds(10)) async throws {
        try await request(RD_KAFKA_ADMIN_OP_DELETETOPICS, timeout: timeout, action: "deleting topic \(name)") { handle, options, queue in
            let topic = rd_kafka_DeleteTopic_new(name)
            defer { rd_kafka_DeleteTopic_destroy(topic) }
            var topics: [OpaquePointer?] = [topic]
            rd_kafka_DeleteTopics(handle, &topics, 1, options, queue)
        } result: { event in
            var count = 0
            guard let results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &count) else { return }
            for case let result? in UnsafeBufferPointer(start: results, count: count) {
                let code = rd_kafka_topic_result_error(result)
                if code != RD_KAFKA_RESP_ERR_NO_ERROR && code != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART {
                    throw Self.topicError(result, code, "deleting topic \(name)")
                }
            }
        }
    }

    /// The topic's partition count from broker metadata, or nil if the topic does not exist.
    public func partitionCount(topic: String, timeout: Duration = .seconds(5)) async throws -> Int? {
        let client = self.client
        return try await worker.run {
            let handle = try client.handle()
            var metadata: UnsafePointer<rd_kafka_metadata>?
            // All topics rather than one topic handle: a per-topic lookup may auto-create the topic.
            let result = rd_kafka_metadata(handle, 1, nil, &metadata, Int32(clamping: timeout.milliseconds))
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { throw KafkaError(result, while: "reading metadata") }
            defer { rd_kafka_metadata_destroy(metadata) }
            for entry in UnsafeBufferPointer(start: metadata.pointee.topics, count: Int(metadata.pointee.topic_cnt))
            where String(cString: entry.topic) == topic {
                return entry.err == RD_KAFKA_RESP_ERR_NO_ERROR ? Int(entry.partition_cnt) : nil
            }
            return nil
        }
    }

    /// Releases the client once requests already in progress finish. Idempotent.
    public func close() {
        let client = self.client
        worker.stop { client.destroy() }
    }

    /// Runs one admin request: `submit` issues it with the options and reply queue, `result` reads the reply.
    private func request<T: Sendable>(
        _ operation: rd_kafka_admin_op_t, timeout: Duration, action: String,
        submit: @escaping (OpaquePointer, OpaquePointer, OpaquePointer) throws -> Void,
        result: @escaping (OpaquePointer) throws -> T
    ) async throws -> T {
        let client = self.client
        let milliseconds = Int32(clamping: timeout.milliseconds)
        return try await worker.run {
            let handle = try client.handle()
            // Nothing else serves this handle's queue; keep log and error events from piling up.
            rd_kafka_poll(handle, 0)
            let queue = rd_kafka_queue_new(handle)!
            defer { rd_kafka_queue_destroy(queue) }
            let options = rd_kafka_AdminOptions_new(handle, operation)!
            defer { rd_kafka_AdminOptions_destroy(options) }
            var text = [CChar](repeating: 0, count: 512)
            _ = rd_kafka_AdminOptions_set_request_timeout(options, milliseconds, &text, text.count)
            _ = rd_kafka_AdminOptions_set_operation_timeout(options, milliseconds, &text, text.count)
            try submit(handle, options, queue)
            guard let event = rd_kafka_queue_poll(queue, milliseconds + 1000) else {
                throw KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, while: action)
            }
            defer { rd_kafka_event_destroy(event) }
            let code = rd_kafka_event_error(event)
            if code != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError(code: code.rawValue, message: "\(action): \(String(cString: rd_kafka_event_error_string(event)))")
            }
            return try result(event)
        }
    }

    private static func topicError(_ result: OpaquePointer, _ code: rd_kafka_resp_err_t, _ action: String) -> KafkaError {
        let text = rd_kafka_topic_result_error_string(result).map { String(cString: $0) } ?? String(cString: rd_kafka_err2str(code))
        return KafkaError(code: code.rawValue, message: "\(action): \(text)")
    }
}
