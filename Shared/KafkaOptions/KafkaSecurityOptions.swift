import ArgumentParser
import Foundation
import Kafka
import ServiceSupport
import Settings

/// The Kafka security options every Kafka client service takes, with the same environment variables, so a
/// deployment sets them once per service. The defaults are plaintext without authentication, as the local broker
/// expects; in the cluster each service logs in with its own SCRAM user over TLS (`k8s/README.md`).
public struct KafkaSecurityOptions: ParsableArguments {
    @Option(help: "plaintext, ssl, sasl_plaintext or sasl_ssl [env: KAFKA_SECURITY_PROTOCOL].")
    public var kafkaSecurityProtocol = EnvironmentDefault.string("KAFKA_SECURITY_PROTOCOL", KafkaSecurity.SecurityProtocol.plaintext.rawValue)
    @Option(help: "SASL mechanism for the sasl_* protocols: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 [env: KAFKA_SASL_MECHANISM].")
    public var kafkaSaslMechanism = EnvironmentDefault.string("KAFKA_SASL_MECHANISM", KafkaSecurity.SASLMechanism.scramSHA512.rawValue)
    @Option(help: "SASL user name [env: KAFKA_SASL_USERNAME].")
    public var kafkaSaslUsername = EnvironmentDefault.string("KAFKA_SASL_USERNAME", "")
    // Read from the environment only when used, never as the option's default: --help prints defaults.
    @Option(help: "SASL password; prefer the environment or --kafka-sasl-password-file, as flags show in the process list [env: KAFKA_SASL_PASSWORD].")
    public var kafkaSaslPassword: String?
    @Option(help: ArgumentHelp("File holding the SASL password (a trailing newline is ignored) [env: KAFKA_SASL_PASSWORD_FILE].", valueName: "path"))
    public var kafkaSaslPasswordFile = EnvironmentDefault.string("KAFKA_SASL_PASSWORD_FILE", "")
    @Option(help: ArgumentHelp("PEM file of the CA that signed the brokers' certificates, for ssl and sasl_ssl [env: KAFKA_CA_FILE].", valueName: "path"))
    public var kafkaCaFile = EnvironmentDefault.string("KAFKA_CA_FILE", "")

    public init() {}

    private var password: String {
        kafkaSaslPassword ?? EnvironmentDefault.string("KAFKA_SASL_PASSWORD", "")
    }

    public func validate() throws {
        guard let securityProtocol = KafkaSecurity.SecurityProtocol(rawValue: kafkaSecurityProtocol.lowercased()) else {
            throw ValidationError("--kafka-security-protocol must be one of \(KafkaSecurity.SecurityProtocol.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if securityProtocol.usesSASL {
            guard KafkaSecurity.SASLMechanism(rawValue: kafkaSaslMechanism.uppercased()) != nil else {
                throw ValidationError("--kafka-sasl-mechanism must be one of \(KafkaSecurity.SASLMechanism.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard !kafkaSaslUsername.isEmpty else { throw ValidationError("\(securityProtocol.rawValue) needs --kafka-sasl-username") }
            guard password.isEmpty != kafkaSaslPasswordFile.isEmpty else {
                throw ValidationError("\(securityProtocol.rawValue) needs exactly one of --kafka-sasl-password and --kafka-sasl-password-file")
            }
            if !kafkaSaslPasswordFile.isEmpty, !FileManager.default.isReadableFile(atPath: kafkaSaslPasswordFile) {
                throw ValidationError("--kafka-sasl-password-file \(kafkaSaslPasswordFile) cannot be read")
            }
        }
        if securityProtocol.usesTLS, !kafkaCaFile.isEmpty, !FileManager.default.isReadableFile(atPath: kafkaCaFile) {
            throw ValidationError("--kafka-ca-file \(kafkaCaFile) cannot be read")
        }
    }

    /// The settings for the Kafka clients, reading the password file if one is given. Call after ``validate()``.
    public func security() throws -> KafkaSecurity {
        let securityProtocol = KafkaSecurity.SecurityProtocol(rawValue: kafkaSecurityProtocol.lowercased()) ?? .plaintext
        guard securityProtocol != .plaintext else { return .plaintext }
        var security = KafkaSecurity(securityProtocol: securityProtocol)
        if securityProtocol.usesSASL {
            security.saslMechanism = KafkaSecurity.SASLMechanism(rawValue: kafkaSaslMechanism.uppercased()) ?? .scramSHA512
            security.saslUsername = kafkaSaslUsername
            security.saslPassword = kafkaSaslPasswordFile.isEmpty ? password : try Self.password(in: kafkaSaslPasswordFile)
        }
        if securityProtocol.usesTLS, !kafkaCaFile.isEmpty { security.caFile = kafkaCaFile }
        return security
    }

    /// A mounted Secret file may or may not end with a newline; the password never does.
    private static func password(in path: String) throws -> String {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        return text
    }
}
