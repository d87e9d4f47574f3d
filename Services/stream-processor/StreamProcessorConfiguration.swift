import Kafka

/// Everything the stream processor needs, parsed from flags and environment by ``StreamProcessorCommand``.
struct StreamProcessorConfiguration: Sendable {
    var host = "127.0.0.1"
    /// Port for /health, /ready and /metrics.
    var port = 9464
    var kafkaBrokers = ["127.0.0.1:9092"]
    /// Authentication and encryption towards the brokers (``KafkaSecurityOptions``); plaintext by default.
    var kafkaSecurity: KafkaSecurity = .plaintext
    var groupID = "stream-processor"
    /// How partitions are shared among instances.
    var assignment: PartitionAssignment = .group
    var reviewsTopic = "reviews"
    var deadLetterTopic = "reviews.dlq"
    /// The catalog topic (``CatalogService``).
    var productsTopic = "products"
    /// How often the catalog's end offsets are checked for new entries.
    var catalogProbeInterval: Duration = .seconds(1)
    var partitions = 6
    var mongoURI = "mongodb://127.0.0.1:27017/?replicaSet=secantus"
    var mongoDatabase = "sdtddb"
    /// A batch closes at this many messages...
    var batchSize = 500
    /// ...or after this long, whichever comes first.
    var batchTimeout: Duration = .milliseconds(200)
    /// While the previous batch is still being written, the next one keeps growing up to this size, so a lagging
    /// processor writes fewer, larger batches.
    var maxBatchSize = 5000
    /// Model file to load; when nil, the active model in the `models` collection (``ModelActivation``).
    var modelPath: String?
    /// How often to look for a newer model.
    var modelCheckInterval: Duration = .seconds(10)
    /// How often consumer lag is measured for /metrics.
    var lagInterval: Duration = .seconds(5)
    /// With a static assignment: after polls have found nothing for this long (and every partition is read to its
    /// end), fetching stops until a partition's end offset moves (``IdleFetchPause``); zero keeps fetching always.
    var idlePauseAfter: Duration = .seconds(1)
    /// While fetching is stopped, how often the partitions' end offsets are checked: the most a review arriving
    /// after a quiet spell waits before fetching starts again.
    var idleProbeInterval: Duration = .milliseconds(50)
    /// After a broker lost the tail of a partition's log, the partition is read again from this many messages before
    /// its end (``LogTruncationCheck``); already counted review ids are recognised.
    var truncationRewind: Int64 = 200
    /// A batch whose write failed this many times in a row is split to find the reviews the database refuses.
    var maxWriteAttempts = 5
    /// Positive ⇔ score > this.
    var positiveAbove = 3.0
}
