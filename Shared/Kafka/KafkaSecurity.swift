/// How a client proves who it is to the brokers and whether the connection is encrypted. The default,
/// ``plaintext``, is neither, as the local broker expects; a Strimzi listener with SCRAM and TLS takes
/// `.saslSSL` with ``SASLMechanism/scramSHA512``, the user's name and password, and the cluster CA.
public struct KafkaSecurity: Sendable, Equatable, CustomStringConvertible {
    /// librdkafka's `security.protocol`.
    public enum SecurityProtocol: String, Sendable, CaseIterable {
        case plaintext
        case ssl
        case saslPlaintext = "sasl_plaintext"
        case saslSSL = "sasl_ssl"

        /// Whether the protocol authenticates with SASL, so it needs a mechanism, a user name and a password.
        public var usesSASL: Bool { self == .saslPlaintext || self == .saslSSL }
        /// Whether the connection is TLS, so a CA file may be given to verify the brokers.
        public var usesTLS: Bool { self == .ssl || self == .saslSSL }
    }

    /// librdkafka's `sasl.mechanism`.
    public enum SASLMechanism: String, Sendable, CaseIterable {
        case plain = "PLAIN"
        case scramSHA256 = "SCRAM-SHA-256"
        case scramSHA512 = "SCRAM-SHA-512"
    }

    public var securityProtocol: SecurityProtocol
    /// Used only with a SASL protocol.
    public var saslMechanism: SASLMechanism
    public var saslUsername: String?
    public var saslPassword: String?
    /// PEM file of the CA that signed the brokers' certificates; nil trusts the system's CA bundle.
    public var caFile: String?

    public init(
        securityProtocol: SecurityProtocol = .plaintext, saslMechanism: SASLMechanism = .scramSHA512,
        saslUsername: String? = nil, saslPassword: String? = nil, caFile: String? = nil
    ) {
        self.securityProtocol = securityProtocol
        self.saslMechanism = saslMechanism
        self.saslUsername = saslUsername
        self.saslPassword = saslPassword
        self.caFile = caFile
    }

    /// No authentication, no encryption: librdkafka's defaults, unchanged.
    public static let plaintext = KafkaSecurity()

    /// Never shows the password, so a configuration can be logged.
    public var description: String {
        var parts = ["protocol=\(securityProtocol.rawValue)"]
        if securityProtocol.usesSASL {
            parts += ["mechanism=\(saslMechanism.rawValue)", "user=\(saslUsername ?? "")", "password=\(saslPassword == nil ? "unset" : "set")"]
        }
        if let caFile { parts.append("ca=\(caFile)") }
        return parts.joined(separator: " ")
    }
}
