import Crypto
import Foundation

/// Review ids derived from a client's idempotency key.
///
/// A client that did not hear back (a timeout, a 502/503) posts the review again with the same key; both posts get
/// the same id, which is the Kafka key, and the stream processor counts an id once, whatever offsets it was written
/// at. The id is a SHA-256 of the key (and of the author, where accounts exist, so two users' keys never meet),
/// shaped as a UUID like the ids the api-server makes itself.
public enum ReviewID {
    /// Longest accepted key, in characters.
    public static let maxKeyLength = 200

    /// Whether `key` is usable: 1–200 printable ASCII characters (what an HTTP header carries unambiguously).
    public static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= maxKeyLength && key.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }

    /// The id of a review posted with `key`, by `author` when known.
    public static func derived(fromKey key: String, author: String? = nil) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("review-stream/review-id/v1\u{0}\(author ?? "")\u{0}\(key)".utf8))
        var bytes = Array(hasher.finalize().prefix(16))
        // RFC 9562 version 8 (custom) and variant bits, so the id reads as a UUID.
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }
}
