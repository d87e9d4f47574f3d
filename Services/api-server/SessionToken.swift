import Crypto
import Foundation

/// The opaque token a client holds for a session: 256 random bits, base64url. Only its SHA-256 is stored, so the
/// database never holds anything that can be presented as a login.
struct SessionToken: Sendable, Equatable {
    let value: String

    init(value: String) {
        self.value = value
    }

    /// A new token from the system's cryptographic random source.
    static func random() -> SessionToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return SessionToken(value: base64)
    }

    /// The stored `_id` of the session this token opens: SHA-256, lowercase hex.
    var hash: String {
        SHA256.hash(data: Data(value.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `value` looks like a token this server issued (43 base64url characters), so junk never reaches the
    /// database.
    var isWellFormed: Bool {
        value.utf8.count == 43 && value.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }
}
