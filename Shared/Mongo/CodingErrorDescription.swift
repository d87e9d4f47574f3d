/// One-line descriptions of `EncodingError` and `DecodingError` for `MongoError.user`.
enum CodingErrorDescription {
    static func describe(_ error: EncodingError) -> String {
        switch error {
        case .invalidValue(let value, let context):
            return "cannot encode \(type(of: value)) at \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "encoding failed: \(error)"
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let context):
            return "cannot decode \(type) at \(path(context.codingPath)): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "missing \(type) value at \(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' at \(path(context.codingPath))"
        case .dataCorrupted(let context):
            return "invalid data at \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "decoding failed: \(error)"
        }
    }

    private static func path(_ codingPath: [CodingKey]) -> String {
        codingPath.isEmpty ? "the top level" : codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            .joined(separator: ".")
    }
}
