/// Unkeyed container of `BSONEncoder`: appends to an array node.
struct BSONUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let encoder: BSONValueEncoder
    let node: BSONEncodingNode
    let codingPath: [CodingKey]

    var count: Int { node.count }

    private var nextKey: BSONCodingKey { BSONCodingKey(intValue: node.count) }
    private func append(_ value: BSON) { node.append(.value(value)) }

    mutating func encodeNil() throws { append(.null) }
    mutating func encode(_ value: Bool) throws { append(.bool(value)) }
    mutating func encode(_ value: String) throws { append(.string(value)) }
    mutating func encode(_ value: Double) throws { append(.double(value)) }
    mutating func encode(_ value: Float) throws { append(.double(Double(value))) }
    mutating func encode(_ value: Int) throws { append(try encoder.integer(value)) }
    mutating func encode(_ value: Int8) throws { append(try encoder.integer(value)) }
    mutating func encode(_ value: Int16) throws { append(try encoder.integer(value)) }
    mutating func encode(_ value: Int32) throws { append(try encoder.integer(value)) }
    mutating func encode(_ value: Int64) throws { append(try encoder.integer(value)) }
    mutating func encode(_ value: UInt) throws { append(try encoder.integer(value)) }
    mutating func encode(_ value: UInt8) throws { append(try encoder.integer(value)) }
    mutating func encode(_ value: UInt16) throws { append(try encoder.integer(value)) }
    mutating func encode(_ value: UInt32) throws { append(try encoder.integer(value)) }
    mutating func encode(_ value: UInt64) throws { append(try encoder.integer(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let child = encoder.child(nextKey, node: BSONEncodingNode())
        node.append(try child.box(value))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let child = BSONEncodingNode()
        let key = nextKey
        node.append(.node(child))
        return encoder.child(key, node: child).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        let child = BSONEncodingNode()
        let key = nextKey
        node.append(.node(child))
        return encoder.child(key, node: child).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder {
        let child = BSONEncodingNode()
        let key = nextKey
        node.append(.node(child))
        return encoder.child(key, node: child)
    }
}
