import ArgumentParser
import Foundation
import Logging
import Testing
@testable import Kafka
import KafkaOptions

// Serialized: one test sets KAFKA_SASL_PASSWORD in the environment, which the option tests read.
@Suite("Kafka security settings", .serialized)
struct KafkaSecurityTests {
    let scram = KafkaSecurity(
        securityProtocol: .saslSSL, saslMechanism: .scramSHA512, saslUsername: "api-server", saslPassword: "s3cret-pass",
        caFile: "/var/run/kafka-ca/ca.crt"
    )
    let securityKeys: Set<String> = ["security.protocol", "sasl.mechanism", "sasl.username", "sasl.password", "ssl.ca.location"]

    @Test("plaintext adds no property, so clients are configured as before")
    func plaintextAddsNothing() {
        #expect(KafkaSecurity.plaintext.rdKafkaProperties.isEmpty)
        let producer = KafkaProducerConfiguration(bootstrapServers: ["b:9092"]).rdKafkaProperties
        let consumer = KafkaConsumerConfiguration(bootstrapServers: ["b:9092"], groupID: "g").rdKafkaProperties
        let admin = RDKafkaAdminProperties.properties(bootstrapServers: ["b:9092"], clientID: "a", security: .plaintext)
        for properties in [producer, consumer, admin] {
            #expect(Set(properties.keys).isDisjoint(with: securityKeys))
        }
    }

    @Test("SCRAM over TLS becomes librdkafka's five properties in producer, consumer and admin")
    func scramOverTLS() {
        let expected = [
            "security.protocol": "sasl_ssl", "sasl.mechanism": "SCRAM-SHA-512", "sasl.username": "api-server",
            "sasl.password": "s3cret-pass", "ssl.ca.location": "/var/run/kafka-ca/ca.crt",
        ]
        var producer = KafkaProducerConfiguration(bootstrapServers: ["b:9093"])
        producer.security = scram
        var consumer = KafkaConsumerConfiguration(bootstrapServers: ["b:9093"], groupID: "g")
        consumer.security = scram
        let admin = RDKafkaAdminProperties.properties(bootstrapServers: ["b:9093"], clientID: "a", security: scram)
        for properties in [producer.rdKafkaProperties, consumer.rdKafkaProperties, admin] {
            #expect(properties.filter { securityKeys.contains($0.key) } == expected)
            #expect(properties["bootstrap.servers"] == "b:9093")
        }
    }

    @Test("TLS without SASL sets no SASL property; SASL without TLS sets no CA")
    func protocolsSetOnlyWhatTheyUse() {
        let tls = KafkaSecurity(securityProtocol: .ssl, saslUsername: "ignored", saslPassword: "ignored", caFile: "/ca.pem")
        #expect(tls.rdKafkaProperties == ["security.protocol": "ssl", "ssl.ca.location": "/ca.pem"])
        let sasl = KafkaSecurity(securityProtocol: .saslPlaintext, saslMechanism: .scramSHA256, saslUsername: "u", saslPassword: "p", caFile: "/ca.pem")
        #expect(sasl.rdKafkaProperties == [
            "security.protocol": "sasl_plaintext", "sasl.mechanism": "SCRAM-SHA-256", "sasl.username": "u", "sasl.password": "p",
        ])
    }

    @Test("additional properties still win over the security settings")
    func explicitPropertiesWin() {
        var producer = KafkaProducerConfiguration(bootstrapServers: ["b:9093"])
        producer.security = scram
        producer.additionalProperties = ["sasl.mechanism": "PLAIN"]
        #expect(producer.rdKafkaProperties["sasl.mechanism"] == "PLAIN")
    }

    @Test("the description never shows the password")
    func descriptionHidesPassword() {
        #expect(!scram.description.contains("s3cret-pass"))
        #expect(scram.description.contains("user=api-server"))
    }

    @Test(
        "the installed librdkafka accepts SCRAM-SHA-512 over TLS with a CA file",
        .enabled(if: FileManager.default.fileExists(atPath: "/etc/ssl/certs/ca-certificates.crt"))
    )
    func librdkafkaAcceptsSettings() async throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:1"])
        configuration.security = KafkaSecurity(
            securityProtocol: .saslSSL, saslMechanism: .scramSHA512, saslUsername: "u", saslPassword: "p",
            caFile: "/etc/ssl/certs/ca-certificates.crt"
        )
        let producer = try KafkaProducer(configuration: configuration, logger: Logger(label: "test"))
        await producer.shutdown()
        let admin = try KafkaAdmin(bootstrapServers: ["127.0.0.1:1"], security: configuration.security, logger: Logger(label: "test"))
        admin.close()
    }

    @Test("the options default to plaintext and read SCRAM settings, the password from a file without its newline")
    func options() throws {
        #expect(try KafkaSecurityOptions.parse([]).security() == .plaintext)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kafka-password-\(UUID().uuidString)")
        try "from-a-file\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let options = try KafkaSecurityOptions.parse([
            "--kafka-security-protocol", "sasl_ssl", "--kafka-sasl-mechanism", "SCRAM-SHA-512",
            "--kafka-sasl-username", "stream-processor", "--kafka-sasl-password-file", file.path, "--kafka-ca-file", file.path,
        ])
        #expect(try options.security() == KafkaSecurity(
            securityProtocol: .saslSSL, saslMechanism: .scramSHA512, saslUsername: "stream-processor", saslPassword: "from-a-file",
            caFile: file.path
        ))
    }

    @Test("a password given as a flag is used, and --help never shows a password")
    func passwordFlagAndHelp() throws {
        let options = try KafkaSecurityOptions.parse([
            "--kafka-security-protocol", "sasl_plaintext", "--kafka-sasl-username", "u", "--kafka-sasl-password", "flag-pass",
        ])
        #expect(try options.security().saslPassword == "flag-pass")
        // Option defaults are evaluated when the help is built; the password must not be one of them.
        setenv("KAFKA_SASL_PASSWORD", "env-pass-in-help", 1)
        defer { unsetenv("KAFKA_SASL_PASSWORD") }
        #expect(!KafkaSecurityOptions.helpMessage().contains("env-pass-in-help"))
    }

    @Test("the options refuse SASL without a user or with two passwords, and unknown protocols")
    func optionsRefuseIncompleteSettings() {
        #expect(throws: (any Error).self) {
            try KafkaSecurityOptions.parse(["--kafka-security-protocol", "sasl_ssl", "--kafka-sasl-password", "p", "--kafka-sasl-username", ""])
        }
        #expect(throws: (any Error).self) {
            try KafkaSecurityOptions.parse([
                "--kafka-security-protocol", "sasl_ssl", "--kafka-sasl-username", "u", "--kafka-sasl-password", "p",
                "--kafka-sasl-password-file", "/etc/hostname",
            ])
        }
        #expect(throws: (any Error).self) { try KafkaSecurityOptions.parse(["--kafka-security-protocol", "kerberos"]) }
        #expect(throws: (any Error).self) {
            try KafkaSecurityOptions.parse(["--kafka-security-protocol", "ssl", "--kafka-ca-file", "/nonexistent/ca.pem"])
        }
    }
}
