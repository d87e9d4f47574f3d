// The single place where typed configuration becomes librdkafka's string properties.

extension KafkaProducerConfiguration {
    var rdKafkaProperties: [String: String] {
        var properties = [
            "bootstrap.servers": bootstrapServers.joined(separator: ","),
            "client.id": clientID,
            "acks": { switch acks { case .none: "0"; case .leader: "1"; case .all: "all" } }(),
            "enable.idempotence": String(enableIdempotence),
            "linger.ms": String(lingerMilliseconds),
            "message.timeout.ms": String(messageTimeoutMilliseconds),
            "compression.type": { switch compression { case .none: "none"; case .gzip: "gzip"; case .snappy: "snappy"; case .lz4: "lz4"; case .zstd: "zstd" } }(),
        ]
        properties.merge(security.rdKafkaProperties) { _, security in security }
        properties.merge(additionalProperties) { _, explicit in explicit }
        return properties
    }
}

extension KafkaConsumerConfiguration {
    var rdKafkaProperties: [String: String] {
        var properties = [
            "bootstrap.servers": bootstrapServers.joined(separator: ","),
            "group.id": groupID,
            "client.id": clientID,
            "auto.offset.reset": { switch autoOffsetReset { case .earliest: "earliest"; case .latest: "latest"; case .error: "error" } }(),
            "enable.auto.commit": String(enableAutoCommit),
            "session.timeout.ms": String(sessionTimeoutMilliseconds),
            "heartbeat.interval.ms": String(heartbeatIntervalMilliseconds),
            "partition.assignment.strategy": { switch assignmentStrategy { case .range: "range"; case .roundRobin: "roundrobin" } }(),
            "isolation.level": { switch isolationLevel { case .readCommitted: "read_committed"; case .readUncommitted: "read_uncommitted" } }(),
            "fetch.wait.max.ms": String(fetchMaxWaitMilliseconds),
            // End of partition is not an error and not worth an event per partition.
            "enable.partition.eof": "false",
        ]
        properties.merge(security.rdKafkaProperties) { _, security in security }
        properties.merge(additionalProperties) { _, explicit in explicit }
        return properties
    }
}

/// Properties of the client behind `KafkaAdmin`.
enum RDKafkaAdminProperties {
    static func properties(bootstrapServers: [String], clientID: String, security: KafkaSecurity) -> [String: String] {
        var properties = [
            "bootstrap.servers": bootstrapServers.joined(separator: ","),
            "client.id": clientID,
            // Metadata lookups of a missing topic must not create it.
            "allow.auto.create.topics": "false",
        ]
        properties.merge(security.rdKafkaProperties) { _, security in security }
        return properties
    }
}

extension KafkaSecurity {
    /// Nothing for plaintext, so a client without security settings is configured exactly as before they existed.
    var rdKafkaProperties: [String: String] {
        guard securityProtocol != .plaintext else { return [:] }
        var properties = ["security.protocol": securityProtocol.rawValue]
        if securityProtocol.usesSASL {
            properties["sasl.mechanism"] = saslMechanism.rawValue
            if let saslUsername { properties["sasl.username"] = saslUsername }
            if let saslPassword { properties["sasl.password"] = saslPassword }
        }
        if securityProtocol.usesTLS, let caFile { properties["ssl.ca.location"] = caFile }
        return properties
    }
}
