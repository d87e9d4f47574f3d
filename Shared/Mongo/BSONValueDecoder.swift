import Foundation

/// The `Decoder` behind `BSONDecoder`; it is also its own single-value container.
struct BSONValueDecoder: Decoder, SingleValueDecodingContainer {
    let value: BSON
    let codingPath: [CodingKey]
    let userInfo: [CodingUserInfoKey: Any]

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .document(let document) = value else { throw mismatch(BSONDocument.self) }
        return KeyedDecodingContainer(BSONKeyedDecodingContainer<Key>(decoder: self, document: document))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch([BSON].self) }
        return BSONUnkeyedDecodingContainer(decoder: self, elements: elements)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { self }

    func child(_ value: BSON, _ key: CodingKey) -> BSONValueDecoder {
        BSONValueDecoder(value: value, codingPath: codingPath + [key], userInfo: userInfo)
    }

    func mismatch(_ type: Any.Type) -> DecodingError {
        if value.isNull {
            return .valueNotFound(type, .init(codingPath: codingPath, debugDescription: "found null"))
        }
        return .typeMismatch(
            type, .init(codingPath: codingPath, debugDescription: "found \(value.extendedJSON().prefix(80))"))
    }

    /// Decodes `T`, short-cutting the types BSON represents natively.
    func unbox<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == BSON.self { return value as! T }
        if T.self == BSONDocument.self {
            guard case .document(let document) = value else { throw mismatch(T.self) }
            return document as! T
        }
        if T.self == Date.self {
            guard case .date(let date) = value else { throw mismatch(T.self) }
            return date as! T
        }
        if T.self == URL.self {
            guard case .string(let string) = value, let url = URL(string: string) else { throw mismatch(T.self) }
            return url as! T
        }
        if T.self == String.self { return try decode(String.self) as! T }
        if T.self == Int.self { return try decode(Int.self) as! T }
        if T.self == Double.self { return try decode(Double.self) as! T }
        if T.self == Bool.self { return try decode(Bool.self) as! T }
        return try T(from: self)
    }

    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let converted: T?
        switch value {
        case .int32(let number): converted = T(exactly: number)
        case .int64(let number): converted = T(exactly: number)
        case .double(let number): converted = T(exactly: number)
        default: throw mismatch(T.self)
        }
        guard let converted else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath, debugDescription: "\(value.extendedJSON()) does not fit in \(T.self)"))
        }
        return converted
    }

    // MARK: SingleValueDecodingContainer

    func decodeNil() -> Bool { value.isNull }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch(type) }
        return flag
    }

    func decode(_ type: String.Type) throws -> String {
        switch value {
        case .string(let string), .objectId(let string): return string
        default: throw mismatch(type)
        }
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard let number = value.doubleValue else { throw mismatch(type) }
        return number
    }

    func decode(_ type: Float.Type) throws -> Float {
        guard let number = value.doubleValue else { throw mismatch(type) }
        return Float(number)
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try unbox(type) }
}
