import Foundation

/// Checks reviews arriving over HTTP and from Kafka against the data contract, with one set of rules for both.
public struct ReviewValidator: Sendable {
    /// Largest accepted review text, in UTF-8 bytes.
    public var maxTextBytes: Int
    public var scoreRange: ClosedRange<Double>

    public init(maxTextBytes: Int = ReviewLimits.maxTextBytes, scoreRange: ClosedRange<Double> = 1...5) {
        self.maxTextBytes = maxTextBytes
        self.scoreRange = scoreRange
    }

    /// What a client may send: the seed's `{reviewText, overall}` plus the optional v1 fields.
    public struct Submission: Sendable, Equatable {
        public var reviewText: String
        public var overall: Double
        public var itemId: String?
        public var summary: String?
        /// An id the client chose (an idempotency key by another name: ``ReviewID``).
        public var clientID: String?

        public init(reviewText: String, overall: Double, itemId: String? = nil, summary: String? = nil, clientID: String? = nil) {
            self.reviewText = reviewText
            self.overall = overall
            self.itemId = itemId
            self.summary = summary
            self.clientID = clientID
        }
    }

    /// Validates an HTTP body.
    public func submission(from body: some Collection<UInt8>) -> Result<Submission, ReviewRejection> {
        jsonObject(body).flatMap { object in
            submission(from: object).flatMap { submission in
                switch object["id"] {
                case nil, .null:
                    return .success(submission)
                case .string(let id) where ReviewID.isValidKey(id):
                    var withID = submission
                    withID.clientID = id
                    return .success(withID)
                default:
                    return .failure(.wrongType(field: "id", expected: "1–\(ReviewID.maxKeyLength) printable ASCII characters"))
                }
            }
        }
    }

    /// Validates a Kafka message value. The v1 JSON carries its own `id`; the seed's bare `{reviewText, overall}` gets
    /// `fallbackID` (derived by the caller from topic/partition/offset, so a re-delivery gets the same id).
    public func message(from value: some Collection<UInt8>, fallbackID: String) -> Result<ReviewMessage, ReviewRejection> {
        let object: [String: JSONValue]
        switch jsonObject(value) {
        case .success(let value): object = value
        case .failure(let rejection): return .failure(rejection)
        }
        let id: String
        switch object["id"] {
        case nil, .null: id = fallbackID
        case .string(let value) where !value.isEmpty: id = value
        default: return .failure(.wrongType(field: "id", expected: "a non-empty string"))
        }
        var submittedAt: Date?
        if case .string(let raw) = object["submittedAt"] {
            submittedAt = try? Date(raw, strategy: .iso8601)
        }
        var userId: String?
        if case .string(let raw) = object["userId"], !raw.isEmpty { userId = raw }
        return submission(from: object).map {
            ReviewMessage(id: id, reviewText: $0.reviewText, overall: $0.overall, itemId: $0.itemId, summary: $0.summary,
                          submittedAt: submittedAt, userId: userId)
        }
    }

    private func submission(from object: [String: JSONValue]) -> Result<Submission, ReviewRejection> {
        let text: String
        switch object["reviewText"] {
        case nil, .null: return .failure(.missingField("reviewText"))
        case .string(let value): text = value
        default: return .failure(.wrongType(field: "reviewText", expected: "a string"))
        }
        let score: Double
        switch object["overall"] {
        case nil, .null: return .failure(.missingField("overall"))
        case .number(let value): score = value
        default: return .failure(.wrongType(field: "overall", expected: "a number"))
        }
        if text.allSatisfy(\.isWhitespace) { return .failure(.emptyText) }
        let bytes = text.utf8.count
        if bytes > maxTextBytes { return .failure(.textTooLong(bytes: bytes, limit: maxTextBytes)) }
        guard score.isFinite, scoreRange.contains(score) else { return .failure(.scoreOutOfRange(score)) }
        var itemId: String?
        switch object["itemId"] ?? object["asin"] {
        case nil, .null: break
        case .string(let value): itemId = value
        case .number(let value) where value == value.rounded(): itemId = String(Int(value))
        default: return .failure(.wrongType(field: "itemId", expected: "a string"))
        }
        var summary: String?
        switch object["summary"] {
        case nil, .null: break
        case .string(let value): summary = value
        default: return .failure(.wrongType(field: "summary", expected: "a string"))
        }
        return .success(Submission(reviewText: text, overall: score, itemId: itemId, summary: summary))
    }

    private func jsonObject(_ bytes: some Collection<UInt8>) -> Result<[String: JSONValue], ReviewRejection> {
        let array = bytes as? [UInt8] ?? Array(bytes)
        return array.withUnsafeBufferPointer { buffer in
            guard String(validating: buffer, as: UTF8.self) != nil else { return .failure(.invalidUTF8) }
            let parsed: JSONValue
            do {
                parsed = try JSONParser.parse(buffer)
            } catch {
                return .failure(.invalidJSON("\(error)"))
            }
            guard case .object(let object) = parsed else { return .failure(.notAnObject) }
            return .success(object)
        }
    }
}
