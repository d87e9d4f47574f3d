/// Why a review (an HTTP body or a Kafka message) was refused.
public enum ReviewRejection: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidUTF8
    case invalidJSON(String)
    case notAnObject
    case missingField(String)
    case wrongType(field: String, expected: String)
    case emptyText
    case textTooLong(bytes: Int, limit: Int)
    case scoreOutOfRange(Double)
    /// Valid, but the database refused to store it (the stream processor's last resort for a batch it cannot write).
    case unwritable(String)

    /// A short, stable code, used as the HTTP `error`, the dead-letter `reason` header and a metrics label.
    public var reason: String {
        switch self {
        case .invalidUTF8: "invalid_utf8"
        case .invalidJSON: "invalid_json"
        case .notAnObject: "not_an_object"
        case .missingField: "missing_field"
        case .wrongType: "wrong_type"
        case .emptyText: "empty_text"
        case .textTooLong: "text_too_long"
        case .scoreOutOfRange: "score_out_of_range"
        case .unwritable: "unwritable"
        }
    }

    public var description: String {
        switch self {
        case .invalidUTF8: "The body is not valid UTF-8."
        case .invalidJSON(let why): "The body is not valid JSON: \(why)"
        case .notAnObject: "The body must be a JSON object."
        case .missingField(let name): "The field \"\(name)\" is required."
        case .wrongType(let field, let expected): "The field \"\(field)\" must be \(expected)."
        case .emptyText: "The field \"reviewText\" must not be empty."
        case .textTooLong(let bytes, let limit): "The review text is \(bytes) bytes; the limit is \(limit)."
        case .scoreOutOfRange(let score): "The field \"overall\" must be between 1 and 5; got \(score)."
        case .unwritable(let why): "The database refused to store the review: \(why)"
        }
    }
}
