import CMongoc

extension MongoError {
    /// Classifies a libmongoc error (error API version 2) and attaches the reply's `errorLabels`.
    init(_ error: bson_error_t, reply: OpaquePointer? = nil) {
        var error = error
        let message = withUnsafeBytes(of: &error.message) { bytes in
            String(cString: bytes.baseAddress!.assumingMemoryBound(to: CChar.self))
        }
        let domain = mongoc_error_domain_t(rawValue: error.domain)
        switch domain {
        case MONGOC_ERROR_SERVER, MONGOC_ERROR_WRITE_CONCERN:
            self = .server(code: Int(error.code), message: message, labels: MongoError.labels(in: reply))
        case MONGOC_ERROR_SERVER_SELECTION, MONGOC_ERROR_STREAM, MONGOC_ERROR_PROTOCOL, MONGOC_ERROR_POOL,
            MONGOC_ERROR_SASL, MONGOC_ERROR_SCRAM:
            self = .connection(message: message)
        case MONGOC_ERROR_CLIENT:
            switch mongoc_error_code_t(rawValue: error.code) {
            case MONGOC_ERROR_CLIENT_NOT_READY, MONGOC_ERROR_CLIENT_GETNONCE, MONGOC_ERROR_CLIENT_AUTHENTICATE,
                MONGOC_ERROR_CLIENT_NO_ACCEPTABLE_PEER, MONGOC_ERROR_CLIENT_IN_EXHAUST:
                self = .connection(message: message)
            default:
                self = .user(message: message)
            }
        default:
            self = .user(message: message)
        }
    }

    /// The `errorLabels` array of a server reply.
    static func labels(in reply: OpaquePointer?) -> [String] {
        guard let reply else { return [] }
        return LibBSONMemory.withStorage { iterator in
            guard bson_iter_init_find(iterator, reply, "errorLabels"), bson_iter_type(iterator) == BSON_TYPE_ARRAY
            else { return [] }
            return LibBSONReader.value(iterator).arrayValue?.compactMap(\.stringValue) ?? []
        }
    }
}
