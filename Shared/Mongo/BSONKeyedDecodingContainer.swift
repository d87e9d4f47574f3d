/// Keyed container of `BSONDecoder` over one document.
struct BSONKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: BSONValueDecoder
    private let document: BSONDocument
    // Built once so each key lookup is O(1) rather than a scan of the document.
    private let valuesByKey: [String: BSON]

    init(decoder: BSONValueDecoder, document: BSONDocument) {
        self.decoder = decoder
        self.document = document
        self.valuesByKey = Dictionary(zip(document.keys, document.values), uniquingKeysWith: { _, last in last })
    }

    var codingPath: [CodingKey] { decoder.codingPath }

    var allKeys: [Key] { document.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { valuesByKey[key.stringValue] != nil }

    private func child(_ key: Key) throws -> BSONValueDecoder {
        guard let value = valuesByKey[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "no value for key '\(key.stringValue)'"))
        }
        return decoder.child(value, key)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try child(key).decodeNil() }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try child(key).decode(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try child(key).decode(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try child(key).decode(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try child(key).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try child(key).decode(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try child(key).decode(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try child(key).decode(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try child(key).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(key).decode(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try child(key).decode(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try child(key).decode(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try child(key).decode(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try child(key).decode(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try child(key).decode(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).unbox(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> Decoder {
        decoder.child(valuesByKey[BSONCodingKey.super.stringValue] ?? .null, BSONCodingKey.super)
    }

    func superDecoder(forKey key: Key) throws -> Decoder {
        decoder.child(valuesByKey[key.stringValue] ?? .null, key)
    }
}
