internal import CRdKafka

/// The one error type of the Kafka module: librdkafka's error code and its message.
///
/// `code` is librdkafka's `rd_kafka_resp_err_t`: positive values are broker error codes, negative ones are
/// client-side (`-1xx`) conditions such as a delivery timeout. `KafkaError.Code` names the ones callers act on.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// librdkafka's raw `rd_kafka_resp_err_t` value.
    public let code: Int32
    /// librdkafka's explanation, with what the module was doing when it happened.
    public let message: String
    private let retriableByLibrary: Bool

    /// Creates an error from a librdkafka error code and a message.
    public init(code: Int32, message: String) {
        self.init(code: code, message: message, retriableByLibrary: false)
    }

    init(code: Int32, message: String, retriableByLibrary: Bool) {
        self.code = code
        self.message = message
        self.retriableByLibrary = retriableByLibrary
    }

    /// True when the same call may succeed if repeated later: timeouts, unreachable brokers, a full local queue,
    /// and group-membership conflicts such as a commit rejected during a rebalance.
    public var isRetriable: Bool { retriableByLibrary || Self.retriableCodes.contains(code) }

    /// True when a consumer-group operation (typically an offset commit) was rejected because the group is
    /// rebalancing or this member's generation is stale. The local broker does this for every commit sent during
    /// a rebalance; callers that keep their own offsets can ignore it.
    public var isRebalanceConflict: Bool {
        code == Code.illegalGeneration || code == Code.rebalanceInProgress || code == Code.unknownMemberID
    }

    public var description: String {
        let name = String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue: code)))
        return "KafkaError \(name) (\(code)): \(message)"
    }

    /// librdkafka error codes that callers commonly branch on.
    public enum Code {
        public static let unknownTopicOrPartition = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART.rawValue
        public static let illegalGeneration = RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION.rawValue
        public static let unknownMemberID = RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID.rawValue
        public static let rebalanceInProgress = RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS.rawValue
        public static let topicAlreadyExists = RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS.rawValue
        /// A produced message was not acknowledged within `messageTimeoutMilliseconds`.
        public static let messageTimedOut = RD_KAFKA_RESP_ERR__MSG_TIMED_OUT.rawValue
        /// A blocking request did not complete within its timeout.
        public static let timedOut = RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue
        /// The producer's local queue is full.
        public static let queueFull = RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue
        /// The producer, consumer or admin client was already shut down.
        public static let closed = RD_KAFKA_RESP_ERR__DESTROY.rawValue
        /// A configuration property was rejected.
        public static let invalidArgument = RD_KAFKA_RESP_ERR__INVALID_ARG.rawValue
    }

    private static let retriableCodes: Set<Int32> = Set(([
        RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
        RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION, RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
        RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
        RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION, RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID,
        RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
        RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__RESOLVE, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT,
        RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__QUEUE_FULL,
        RD_KAFKA_RESP_ERR__WAIT_COORD, RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE,
    ] as [rd_kafka_resp_err_t]).map(\.rawValue))
}

extension KafkaError {
    /// An error from a bare librdkafka error code, prefixed with what was being attempted.
    init(_ error: rd_kafka_resp_err_t, while action: String) {
        self.init(code: error.rawValue, message: "\(action): \(String(cString: rd_kafka_err2str(error)))")
    }

    /// Takes ownership of an `rd_kafka_error_t` (destroying it) and keeps librdkafka's own retriable verdict.
    init(consuming error: OpaquePointer, while action: String) {
        defer { rd_kafka_error_destroy(error) }
        self.init(
            code: rd_kafka_error_code(error).rawValue,
            message: "\(action): \(String(cString: rd_kafka_error_string(error)))",
            retriableByLibrary: rd_kafka_error_is_retriable(error) != 0
        )
    }

    static func closed(_ what: String) -> KafkaError {
        KafkaError(code: Code.closed, message: "\(what) is already shut down")
    }
}
