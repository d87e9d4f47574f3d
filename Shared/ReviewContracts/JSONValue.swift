/// Any JSON value, so validation can tell a missing field from a field of the wrong type.
///
/// Numbers are always `Double` (as in JavaScript): integers are exact up to 2^53.
enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

/// Why a text is not JSON: a short human-readable reason with the byte offset,
/// e.g. "unexpected character '}' at byte 17".
struct JSONSyntaxError: Error, Equatable, CustomStringConvertible {
    let description: String

    init(description: String) {
        self.description = description
    }
}
