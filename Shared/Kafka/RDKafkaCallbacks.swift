import Foundation
import Logging
internal import CRdKafka

// librdkafka's C callbacks. They capture nothing; each finds its RDKafkaCallbackContext through the handle's opaque.

/// librdkafka logs with syslog levels; they map one to one onto swift-log's.
let rdKafkaLogCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = { handle, level, facility, text in
    guard let handle, let context = RDKafkaCallbackContext.from(rd_kafka_opaque(handle)) else { return }
    let logLevel: Logger.Level
    switch level {
    case ...2: logLevel = .critical
    case 3: logLevel = .error
    case 4: logLevel = .warning
    case 5: logLevel = .notice
    case 6: logLevel = .info
    default: logLevel = .debug
    }
    context.logger.log(
        level: logLevel,
        "\(text.map { String(cString: $0) } ?? "")",
        metadata: ["rdkafka.facility": "\(facility.map { String(cString: $0) } ?? "")"]
    )
}

/// Errors librdkafka cannot attach to a call: broker connections, fatal idempotence/fencing states. Most are
/// transient (librdkafka retries by itself), so they are logged; fatal ones are also surfaced by the next call.
let rdKafkaErrorCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = { handle, code, reason, opaque in
    guard let context = RDKafkaCallbackContext.from(opaque) else { return }
    let error = rd_kafka_resp_err_t(rawValue: code)
    let text = reason.map { String(cString: $0) } ?? ""
    if error == RD_KAFKA_RESP_ERR__FATAL, let handle, let fatal = RDKafkaClient.fatalError(of: handle) {
        context.logger.critical("librdkafka fatal error", metadata: ["error": "\(fatal)"])
    } else if error == RD_KAFKA_RESP_ERR__TRANSPORT || error == RD_KAFKA_RESP_ERR__RESOLVE {
        context.connectionLosses.increment()
        // The log callback has already reported the failed connection (with librdkafka's duplicate suppression).
        context.logger.debug("librdkafka error", metadata: ["code": "\(String(cString: rd_kafka_err2name(error)))", "reason": "\(text)"])
    } else {
        if error == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN { context.connectionLosses.increment() }
        context.logger.warning("librdkafka error", metadata: ["code": "\(String(cString: rd_kafka_err2name(error)))", "reason": "\(text)"])
    }
}

/// Runs on the producer's polling thread: settles the message whose registry id travels in `_private`.
let rdKafkaDeliveryCallback: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = { _, message, opaque in
    guard let message, let context = RDKafkaCallbackContext.from(opaque) else { return }
    let id = UInt(bitPattern: message.pointee._private)
    let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
    if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
        context.deliveries.settle(id, with: .success(KafkaDeliveryReport(topic: topic, partition: message.pointee.partition, offset: message.pointee.offset)))
    } else {
        context.deliveries.settle(id, with: .failure(KafkaError(message.pointee.err, while: "delivering to \(topic)")))
    }
}

/// Runs on the consumer's polling thread inside `rd_kafka_consumer_poll`/`rd_kafka_consumer_close`: lets the
/// handler choose start offsets, then applies the eager assignment.
let rdKafkaRebalanceCallback: @convention(c) (OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?) -> Void = { handle, event, list, opaque in
    guard let handle, let context = RDKafkaCallbackContext.from(opaque) else { return }
    let partitions = list.map { RDKafkaTopicPartitionList.partitions(of: $0) } ?? []
    let result: rd_kafka_resp_err_t
    switch event {
    case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
        context.logger.debug("partitions assigned", metadata: ["partitions": "\(partitions.map { "\($0.topic)/\($0.partition)" })"])
        let starts = context.rebalanceHandler?(.assigned(partitions)) ?? []
        if let list {
            for start in starts {
                rd_kafka_topic_partition_list_find(list, start.topic, start.partition)?.pointee.offset = start.offset
            }
        }
        result = rd_kafka_assign(handle, list)
    case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
        context.logger.debug("partitions revoked", metadata: ["partitions": "\(partitions.map { "\($0.topic)/\($0.partition)" })"])
        _ = context.rebalanceHandler?(.revoked(partitions))
        result = rd_kafka_assign(handle, nil)
    default:
        context.logger.warning("rebalance failed", metadata: ["error": "\(String(cString: rd_kafka_err2str(event)))"])
        result = rd_kafka_assign(handle, nil)
    }
    if result != RD_KAFKA_RESP_ERR_NO_ERROR {
        context.logger.warning("applying the assignment failed", metadata: ["error": "\(String(cString: rd_kafka_err2str(result)))"])
    }
}
