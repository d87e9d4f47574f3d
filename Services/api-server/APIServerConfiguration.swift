import Foundation
import Kafka
import ReviewContracts

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
    /// Largest accepted request body; the contract's 64 KiB (docs/data-contracts.md).
    var maxBodyBytes = ReviewLimits.maxBodyBytes
    /// Whether `POST /api/v1/register` creates accounts (else 403).
    var allowRegistration = false
    /// Whether reviews may be posted without a session (the local stack's feed and the seed's clients).
    var anonymousReviews = true
    /// Origins besides our own allowed cross-origin requests (CORS) and cookie-authenticated writes; none by default.
    var corsOrigins: [String] = []
    /// How long a session lives after its last use (sliding), at most 7 days.
    var sessionLifetime: TimeInterval = 7 * 24 * 3600
    /// bcrypt cost (log2 rounds) for new password hashes; at least 12.
    var bcryptCost: UInt8 = 12
    /// Whether the last `X-Forwarded-For` entry (written by the gateway) is the client's address.
    var trustForwardedFor = true
    /// The reviews a simulation publishes: McAuley JSON lines, as `scripts/local/dataset` writes them.
    var datasetPath = ".data/reviews.jsonl"
    /// How many reviews a second a simulation publishes at most.
    var simulationRate = 100
    /// Seconds an idle keep-alive connection stays open.
    var idleTimeoutSeconds = 60
    /// Open event streams allowed per client address and in all.
    var maxStreamsPerClient = 8
    var maxStreams = 5000
}
