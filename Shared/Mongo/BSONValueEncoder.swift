import Foundation

/// The `Encoder` behind `BSONEncoder`; it is also its own single-value container.
struct BSONValueEncoder: Encoder, SingleValueEncodingContainer {
    let node: BSONEncodingNode
    let codingPath: [CodingKey]
    let userInfo: [CodingUserInfoKey: Any]

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeDocument()
        return KeyedEncodingContainer(BSONKeyedEncodingContainer<Key>(encoder: self, node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        node.makeArray()
        return BSONUnkeyedEncodingContainer(encoder: self, node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> SingleValueEncodingContainer { self }

    /// An encoder for a child value at `key`.
    func child(_ key: CodingKey, node: BSONEncodingNode) -> BSONValueEncoder {
        BSONValueEncoder(node: node, codingPath: codingPath + [key], userInfo: userInfo)
    }

    /// Converts `value` to an entry, short-cutting the types BSON represents natively.
    func box<T: Encodable>(_ value: T) throws -> BSONEncodingNode.Entry {
        switch value {
        case let value as BSON: return .value(value)
        case let value as BSONDocument: return .value(.document(value))
        case let value as Date: return .value(.date(value))
        case let value as URL: return .value(.string(value.absoluteString))
        case let value as String: return .value(.string(value))
        case let value as Bool: return .value(.bool(value))
        case let value as Double: return .value(.double(value))
        case let value as Float: return .value(.double(Double(value)))
        case let value as Int: return .value(try integer(value))
        case let value as Int64: return .value(.int64(value))
        case let value as Int32: return .value(.int32(value))
        default:
            let node = BSONEncodingNode()
            try value.encode(to: BSONValueEncoder(node: node, codingPath: codingPath, userInfo: userInfo))
            return .node(node)
        }
    }

    /// Integers up to 32 signed bits become `.int32`, wider ones `.int64`.
    func integer<T: FixedWidthInteger>(_ value: T) throws -> BSON {
        if T.bitWidth < 32 || (T.bitWidth == 32 && T.isSigned) {
            return .int32(Int32(value))
        }
        guard let wide = Int64(exactly: value) else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: codingPath, debugDescription: "\(value) does not fit in a BSON int64"))
        }
        return .int64(wide)
    }

    // MARK: SingleValueEncodingContainer

    mutating func encodeNil() throws { node.setSingle(.null) }
    mutating func encode(_ value: Bool) throws { node.setSingle(.bool(value)) }
    mutating func encode(_ value: String) throws { node.setSingle(.string(value)) }
    mutating func encode(_ value: Double) throws { node.setSingle(.double(value)) }
    mutating func encode(_ value: Float) throws { node.setSingle(.double(Double(value))) }
    mutating func encode(_ value: Int) throws { node.setSingle(try integer(value)) }
    mutating func encode(_ value: Int8) throws { node.setSingle(try integer(value)) }
    mutating func encode(_ value: Int16) throws { node.setSingle(try integer(value)) }
    mutating func encode(_ value: Int32) throws { node.setSingle(try integer(value)) }
    mutating func encode(_ value: Int64) throws { node.setSingle(try integer(value)) }
    mutating func encode(_ value: UInt) throws { node.setSingle(try integer(value)) }
    mutating func encode(_ value: UInt8) throws { node.setSingle(try integer(value)) }
    mutating func encode(_ value: UInt16) throws { node.setSingle(try integer(value)) }
    mutating func encode(_ value: UInt32) throws { node.setSingle(try integer(value)) }
    mutating func encode(_ value: UInt64) throws { node.setSingle(try integer(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        switch try box(value) {
        case .value(let value): node.setSingle(value)
        case .node(let child): node.setSingle(child.resolved)
        }
    }
}
