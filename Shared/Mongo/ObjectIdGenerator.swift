import CMongoc

/// ObjectId creation and hex conversion through libbson.
enum ObjectIdGenerator {
    static func next() -> String {
        var oid = bson_oid_t()
        bson_oid_init(&oid, nil)
        return hex(of: &oid)
    }

    static func hex(of oid: UnsafePointer<bson_oid_t>) -> String {
        var text = [CChar](repeating: 0, count: 25)
        bson_oid_to_string(oid, &text)
        return String(cString: text)
    }

    static func oid(fromHex hex: String) throws -> bson_oid_t {
        guard hex.utf8.count == 24, bson_oid_is_valid(hex, 24) else {
            throw MongoError.user(message: "invalid ObjectId '\(hex)': expected 24 hexadecimal characters")
        }
        var oid = bson_oid_t()
        bson_oid_init_from_string(&oid, hex)
        return oid
    }
}
