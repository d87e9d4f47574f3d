/// Typed settings of a `KafkaProducer`. `additionalProperties` passes any other librdkafka property through and
/// wins over the typed fields.
public struct KafkaProducerConfiguration: Sendable {
    /// Which acknowledgement the broker sends before a message counts as delivered.
    public enum Acks: Sendable {
        /// Fire and forget (`acks=0`).
        case none
        /// The partition leader has written it (`acks=1`).
        case leader
        /// All in-sync replicas have it (`acks=all`); required by the idempotent producer.
        case all
    }

    /// Batch compression codec.
    public enum Compression: Sendable {
        case none, gzip, snappy, lz4, zstd
    }

    /// `host:port` of one or more brokers, e.g. `["127.0.0.1:9092"]`.
    public var bootstrapServers: [String]
    public var clientID: String = "review-stream"
    public var acks: Acks = .all
    /// Exactly-once per partition within a producer session; needs `acks == .all`.
    public var enableIdempotence: Bool = true
    /// How long librdkafka waits to fill a batch.
    public var lingerMilliseconds: Int = 5
    /// How long a message may take to be acknowledged, retries included; after that `send` throws.
    public var messageTimeoutMilliseconds: Int = 5000
    public var compression: Compression = .none
    /// Authentication and encryption towards the brokers; plaintext by default.
    public var security: KafkaSecurity = .plaintext
    public var additionalProperties: [String: String] = [:]

    public init(bootstrapServers: [String]) {
        self.bootstrapServers = bootstrapServers
    }
}
