// See BSON+Codable.swift: a natural form for coders other than BSONEncoder/BSONDecoder.
extension BSONDocument: Codable {
    public init(from decoder: Decoder) throws {
        guard case .document(let document) = try BSON(from: decoder) else {
            throw DecodingError.typeMismatch(
                BSONDocument.self, .init(codingPath: decoder.codingPath, debugDescription: "expected an object"))
        }
        self = document
    }

    public func encode(to encoder: Encoder) throws {
        var keyed = encoder.container(keyedBy: BSONCodingKey.self)
        for (key, value) in self {
            try keyed.encode(value, forKey: BSONCodingKey(stringValue: key))
        }
    }
}
