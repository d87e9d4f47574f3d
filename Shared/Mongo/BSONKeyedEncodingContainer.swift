/// Keyed container of `BSONEncoder`: writes into a document node.
struct BSONKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: BSONValueEncoder
    let node: BSONEncodingNode
    let codingPath: [CodingKey]

    private func set(_ value: BSON, _ key: Key) { node.set(.value(value), forKey: key.stringValue) }

    mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(.double(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { set(.double(Double(value)), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(try encoder.integer(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(try encoder.integer(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(try encoder.integer(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(try encoder.integer(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(try encoder.integer(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(try encoder.integer(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(try encoder.integer(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(try encoder.integer(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(try encoder.integer(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(try encoder.integer(value), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let child = encoder.child(key, node: BSONEncodingNode())
        node.set(try child.box(value), forKey: key.stringValue)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let child = BSONEncodingNode()
        node.set(.node(child), forKey: key.stringValue)
        return encoder.child(key, node: child).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        let child = BSONEncodingNode()
        node.set(.node(child), forKey: key.stringValue)
        return encoder.child(key, node: child).unkeyedContainer()
    }

    mutating func superEncoder() -> Encoder {
        let child = BSONEncodingNode()
        node.set(.node(child), forKey: BSONCodingKey.super.stringValue)
        return encoder.child(BSONCodingKey.super, node: child)
    }

    mutating func superEncoder(forKey key: Key) -> Encoder {
        let child = BSONEncodingNode()
        node.set(.node(child), forKey: key.stringValue)
        return encoder.child(key, node: child)
    }
}
