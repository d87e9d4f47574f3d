import Foundation

// With BSONEncoder/BSONDecoder a `BSON` property is embedded as is; these conformances give other coders (e.g.
// JSONEncoder for HTTP responses) a natural form: documents as objects, arrays as arrays, ObjectIds as hex strings,
// dates through the coder's date strategy.
extension BSON: Codable {
    public init(from decoder: Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: BSONCodingKey.self) {
            var document = BSONDocument()
            for key in keyed.allKeys {
                document[key.stringValue] = try keyed.decode(BSON.self, forKey: key)
            }
            self = .document(document)
            return
        }
        if var unkeyed = try? decoder.unkeyedContainer() {
            var elements: [BSON] = []
            while !unkeyed.isAtEnd {
                elements.append(try unkeyed.decode(BSON.self))
            }
            self = .array(elements)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let flag = try? single.decode(Bool.self) {
            self = .bool(flag)
        } else if let integer = try? single.decode(Int64.self) {
            self = .int64(integer)
        } else if let number = try? single.decode(Double.self) {
            self = .double(number)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .document(let document):
            try document.encode(to: encoder)
        case .array(let elements):
            var unkeyed = encoder.unkeyedContainer()
            for element in elements { try unkeyed.encode(element) }
        default:
            var single = encoder.singleValueContainer()
            switch self {
            case .double(let number): try single.encode(number)
            case .string(let string), .objectId(let string): try single.encode(string)
            case .bool(let flag): try single.encode(flag)
            case .null: try single.encodeNil()
            case .int32(let number): try single.encode(number)
            case .int64(let number): try single.encode(number)
            case .date(let date): try single.encode(date)
            case .document, .array: break
            }
        }
    }
}
