/// Errors from the Mongo module, grouped by cause.
public enum MongoError: Error, CustomStringConvertible, Sendable {
    /// The server could not be reached or selected, the network failed, or the client pool is shut down.
    case connection(message: String)
    /// The server answered with an error, e.g. 112 WriteConflict or 11000 duplicate key; `labels` are the reply's
    /// `errorLabels` (such as "TransientTransactionError" or "UnknownTransactionCommitResult").
    case server(code: Int, message: String, labels: [String])
    /// The request was invalid before it reached the server: a bad URI or argument, or an encode/decode failure.
    case user(message: String)

    /// Whether the whole transaction may be retried: the error carries the "TransientTransactionError" label.
    public var isTransient: Bool { labels.contains("TransientTransactionError") }

    /// The server error code, for `.server` errors.
    public var code: Int? {
        if case .server(let code, _, _) = self { return code }
        return nil
    }

    /// The error labels, empty unless this is a `.server` error that carried some.
    public var labels: [String] {
        if case .server(_, _, let labels) = self { return labels }
        return []
    }

    /// Whether the server rejected a write because of a duplicate key in a unique index (code 11000).
    public var isDuplicateKey: Bool { code == 11000 }

    public var description: String {
        switch self {
        case .connection(let message):
            return "MongoDB connection error: \(message)"
        case .server(let code, let message, let labels):
            let labelText = labels.isEmpty ? "" : " [\(labels.joined(separator: ", "))]"
            return "MongoDB server error \(code): \(message)\(labelText)"
        case .user(let message):
            return "MongoDB usage error: \(message)"
        }
    }
}
