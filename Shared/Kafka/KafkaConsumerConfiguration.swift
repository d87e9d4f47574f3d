/// Typed settings of a `KafkaConsumer`. `additionalProperties` passes any other librdkafka property through and
/// wins over the typed fields.
public struct KafkaConsumerConfiguration: Sendable {
    /// Where a partition without a committed offset starts, and where one whose position lies outside the log goes.
    /// With `.error` the consumer does not move by itself: the partition's fetching stops and the position is
    /// reported by ``KafkaConsumer/takeOutOfRangePositions()``, so the caller decides (a log that lost its tail must
    /// not be skipped over silently).
    public enum AutoOffsetReset: Sendable {
        case earliest, latest, error
    }

    /// How the group divides partitions among its members. Only the eager assignors are offered: the local
    /// broker's `cooperative-sticky` support is broken (joining members get nothing, leaving members hang).
    public enum AssignmentStrategy: Sendable {
        case range, roundRobin
    }

    /// Whether records of aborted or still-open transactions are delivered.
    public enum IsolationLevel: Sendable {
        case readCommitted, readUncommitted
    }

    public var bootstrapServers: [String]
    public var groupID: String
    public var clientID: String = "review-stream"
    public var autoOffsetReset: AutoOffsetReset = .earliest
    /// Off by default: offsets are committed explicitly with `KafkaConsumer.commit(_:)`.
    public var enableAutoCommit: Bool = false
    public var sessionTimeoutMilliseconds: Int = 10000
    public var heartbeatIntervalMilliseconds: Int = 1000
    public var assignmentStrategy: AssignmentStrategy = .roundRobin
    public var isolationLevel: IsolationLevel = .readCommitted
    /// How long the broker may hold a fetch request open waiting for data.
    public var fetchMaxWaitMilliseconds: Int = 100
    /// Authentication and encryption towards the brokers; plaintext by default.
    public var security: KafkaSecurity = .plaintext
    public var additionalProperties: [String: String] = [:]
    /// Called synchronously on the consumer's polling thread during a rebalance, before librdkafka's assign or
    /// unassign; never on Swift's cooperative pool, so it may block briefly.
    ///
    /// For `.assigned`, return start offsets for any of the partitions; the others start from their committed
    /// offsets, or from `autoOffsetReset` when there is none. The return value of `.revoked` is ignored.
    public var rebalanceHandler: (@Sendable (KafkaRebalanceEvent) -> [KafkaTopicPartitionOffset])? = nil

    public init(bootstrapServers: [String], groupID: String) {
        self.bootstrapServers = bootstrapServers
        self.groupID = groupID
    }
}
