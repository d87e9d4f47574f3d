import Metrics

/// The stream processor's metrics (names are the contract the Grafana dashboard queries).
struct ProcessorMetrics: Sendable {
    let processed = Counter(label: "stream_reviews_processed_total")
    let deadLettered = Counter(label: "stream_reviews_dlq_total")
    let skipped = Counter(label: "stream_reviews_redelivered_total")
    let batchSize = Recorder(label: "stream_batch_size")
    let batchDuration = Metrics.Timer(label: "stream_batch_duration_seconds")
    let roundTrips = Gauge(label: "stream_db_round_trips_per_batch")
    let accuracy = Gauge(label: "stream_accuracy_ratio")
    /// 1 while fetching is stopped because nothing arrives (``IdleFetchPause``).
    let fetchPaused = Gauge(label: "stream_fetch_paused")
    /// Partitions found with unread messages after a quiet spell, and assigned again at their stored positions.
    let stalledPartitions = Counter(label: "stream_stalled_partitions_total")

    /// Partitions whose log was found to have lost its tail (stored position beyond the end, or re-used offsets).
    let logTruncations = Counter(label: "stream_log_truncations_total")
    /// Batches that started after a partition's stored position (the database lost acknowledged commits); the
    /// partition is read again from the stored position.
    let positionGaps = Counter(label: "stream_position_gaps_total")
    /// Reviews left out because their id was already counted (a client re-post or a truncated log read again).
    let duplicates = Counter(label: "stream_reviews_duplicate_total")
    /// Batches that failed to be written `maxWriteAttempts` times in a row and were split.
    let stuckBatches = Counter(label: "stream_stuck_batches_total")
    /// 1 while a batch cannot be written.
    let stuck = Gauge(label: "stream_stuck")
    /// Reviews the database refused to store, sent to the dead-letter topic.
    let unwritable = Counter(label: "stream_reviews_unwritable_total")

    func lag(topic: String, partition: Int32) -> Gauge {
        Gauge(label: "stream_consumer_lag", dimensions: [("topic", topic), ("partition", String(partition))])
    }

    func model(version: String) -> Gauge {
        Gauge(label: "stream_model_info", dimensions: [("version", version)])
    }
}
