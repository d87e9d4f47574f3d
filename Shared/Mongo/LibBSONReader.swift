import CMongoc
import Foundation

/// Reads libbson iterators into `BSON` values.
enum LibBSONReader {
    static func document(_ iterator: OpaquePointer) -> BSONDocument {
        var document = BSONDocument()
        while bson_iter_next(iterator) {
            let keyLength = Int(bson_iter_key_len(iterator))
            let key = String(
                decoding: UnsafeRawBufferPointer(start: bson_iter_key(iterator), count: keyLength), as: UTF8.self)
            // libbson documents from the server have unique keys, so skip the duplicate-key scan.
            document.appendUnchecked(key, value(iterator))
        }
        return document
    }

    static func array(_ iterator: OpaquePointer) -> [BSON] {
        var elements: [BSON] = []
        while bson_iter_next(iterator) {
            elements.append(value(iterator))
        }
        return elements
    }

    static func value(_ iterator: OpaquePointer) -> BSON {
        switch bson_iter_type(iterator) {
        case BSON_TYPE_DOUBLE:
            return .double(bson_iter_double(iterator))
        case BSON_TYPE_UTF8:
            var length: UInt32 = 0
            let bytes = bson_iter_utf8(iterator, &length)
            return .string(string(bytes, Int(length)))
        case BSON_TYPE_DOCUMENT:
            return LibBSONMemory.withStorage { child in
                bson_iter_recurse(iterator, child) ? .document(document(child)) : .document(BSONDocument())
            }
        case BSON_TYPE_ARRAY:
            return LibBSONMemory.withStorage { child in
                bson_iter_recurse(iterator, child) ? .array(array(child)) : .array([])
            }
        case BSON_TYPE_BOOL:
            return .bool(bson_iter_bool(iterator))
        case BSON_TYPE_NULL:
            return .null
        case BSON_TYPE_INT32:
            return .int32(bson_iter_int32(iterator))
        case BSON_TYPE_INT64:
            return .int64(bson_iter_int64(iterator))
        case BSON_TYPE_DATE_TIME:
            return .date(BSONDate.date(milliseconds: bson_iter_date_time(iterator)))
        case BSON_TYPE_OID:
            guard let oid = bson_iter_oid(iterator) else { return .null }
            return .objectId(ObjectIdGenerator.hex(of: oid))
        case BSON_TYPE_TIMESTAMP:
            var seconds: UInt32 = 0
            var increment: UInt32 = 0
            bson_iter_timestamp(iterator, &seconds, &increment)
            return .document(["t": .int64(Int64(seconds)), "i": .int64(Int64(increment))])
        case BSON_TYPE_DECIMAL128:
            var decimal = bson_decimal128_t()
            guard bson_iter_decimal128(iterator, &decimal) else { return .null }
            var text = [CChar](repeating: 0, count: Int(BSON_DECIMAL128_STRING))
            bson_decimal128_to_string(&decimal, &text)
            return .double(Double(String(cString: text)) ?? .nan)
        case BSON_TYPE_BINARY:
            var subtype = bson_subtype_t(0)
            var length: UInt32 = 0
            var bytes: UnsafePointer<UInt8>?
            bson_iter_binary(iterator, &subtype, &length, &bytes)
            let data = bytes.map { Data(bytes: $0, count: Int(length)) } ?? Data()
            return .string(data.base64EncodedString())
        case BSON_TYPE_REGEX:
            var options: UnsafePointer<CChar>?
            guard let pattern = bson_iter_regex(iterator, &options) else { return .null }
            return .string(String(cString: pattern))
        case BSON_TYPE_SYMBOL:
            var length: UInt32 = 0
            let bytes = bson_iter_symbol(iterator, &length)
            return .string(string(bytes, Int(length)))
        case BSON_TYPE_CODE:
            var length: UInt32 = 0
            let bytes = bson_iter_code(iterator, &length)
            return .string(string(bytes, Int(length)))
        case BSON_TYPE_CODEWSCOPE:
            var length: UInt32 = 0
            var scopeLength: UInt32 = 0
            var scope: UnsafePointer<UInt8>?
            let bytes = bson_iter_codewscope(iterator, &length, &scopeLength, &scope)
            return .string(string(bytes, Int(length)))
        default:
            return .null
        }
    }

    private static func string(_ bytes: UnsafePointer<CChar>?, _ length: Int) -> String {
        guard let bytes else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: length), as: UTF8.self)
    }
}
