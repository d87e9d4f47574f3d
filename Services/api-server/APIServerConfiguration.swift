import Kafka

/// Everything the api-server needs to start, parsed from flags and environment by ``APIServerCommand``.
struct APIServerConfiguration: Sendable {
    var host = "127.0.0.1"
    var port = 3001
    var kafkaBrokers = ["127.0.0.1:9092"]
    /// Authentication and encryption towards the brokers (``KafkaSecurityOptions``); plaintext by default.
    var kafkaSecurity: KafkaSecurity = .plaintext
    var mongoURI = "mongodb://127.0.0.1:27017/?replicaSet=secantus"
    var mongoDatabase = "sdtddb"
    var reviewsTopic = "reviews"
    var partitions = 6
    var ackTimeout: Duration = .seconds(5)
    /// How long the producer waits to fill a batch before sending; each POST waits at least this long.
    var lingerMilliseconds = 5
    /// Largest accepted request body; DESIGN.md's 64 KiB.
    var maxBodyBytes = 64 * 1024
}
