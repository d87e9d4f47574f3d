/// Why a `products` message was refused (it goes to the dead-letter topic with ``reason`` and ``description``).
public enum ProductRejection: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidUTF8
    case invalidJSON(String)
    case notAnObject
    case missingField(String)
    case wrongType(field: String, expected: String)
    case tooLong(field: String, limit: Int)
    /// The message key names another product than the value's `id`.
    case keyMismatch(key: String, id: String)

    /// A short, stable code: the dead-letter `reason` header.
    public var reason: String {
        switch self {
        case .invalidUTF8: "invalid_utf8"
        case .invalidJSON: "invalid_json"
        case .notAnObject: "not_an_object"
        case .missingField: "missing_field"
        case .wrongType: "wrong_type"
        case .tooLong: "too_long"
        case .keyMismatch: "key_mismatch"
        }
    }

    public var description: String {
        switch self {
        case .invalidUTF8: "The product message is not valid UTF-8."
        case .invalidJSON(let why): "The product message is not valid JSON: \(why)"
        case .notAnObject: "The product message must be a JSON object."
        case .missingField(let name): "The field \"\(name)\" is required."
        case .wrongType(let field, let expected): "The field \"\(field)\" must be \(expected)."
        case .tooLong(let field, let limit): "The field \"\(field)\" is longer than \(limit) characters."
        case .keyMismatch(let key, let id): "The message key \"\(key)\" is not the product id \"\(id)\"."
        }
    }
}
