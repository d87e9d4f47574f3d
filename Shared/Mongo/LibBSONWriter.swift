import CMongoc
import Foundation

/// Appends `BSON` values to libbson documents.
enum LibBSONWriter {
    static func append(_ document: BSONDocument, to bson: OpaquePointer) throws {
        for (key, value) in document {
            try append(value, key: key, to: bson)
        }
    }

    static func append(_ value: BSON, key: String, to bson: OpaquePointer) throws {
        let appended: Bool = try key.withCString { key in
            switch value {
            case .double(let number):
                return bson_append_double(bson, key, -1, number)
            case .string(let string):
                var string = string
                return string.withUTF8 { bytes in
                    bytes.withMemoryRebound(to: CChar.self) { chars in
                        guard let start = chars.baseAddress else { return bson_append_utf8(bson, key, -1, "", 0) }
                        return bson_append_utf8(bson, key, -1, start, Int32(chars.count))
                    }
                }
            case .document(let document):
                // The child lives on the stack for exactly the begin/end span, as libbson requires.
                return try LibBSONMemory.withStorage { child in
                    guard bson_append_document_begin(bson, key, -1, child) else { return false }
                    try append(document, to: child)
                    return bson_append_document_end(bson, child)
                }
            case .array(let elements):
                return try LibBSONMemory.withStorage { child in
                    guard bson_append_array_begin(bson, key, -1, child) else { return false }
                    for (index, element) in elements.enumerated() {
                        try append(element, key: ArrayIndexKeys.key(index), to: child)
                    }
                    return bson_append_array_end(bson, child)
                }
            case .bool(let flag):
                return bson_append_bool(bson, key, -1, flag)
            case .null:
                return bson_append_null(bson, key, -1)
            case .int32(let number):
                return bson_append_int32(bson, key, -1, number)
            case .int64(let number):
                return bson_append_int64(bson, key, -1, number)
            case .date(let date):
                return bson_append_date_time(bson, key, -1, BSONDate.milliseconds(of: date))
            case .objectId(let hex):
                var oid = try ObjectIdGenerator.oid(fromHex: hex)
                return bson_append_oid(bson, key, -1, &oid)
            }
        }
        guard appended else {
            throw MongoError.user(message: "libbson could not append key '\(key)' (document too large or invalid key)")
        }
    }
}
