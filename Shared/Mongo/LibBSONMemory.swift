/// Stack storage for libbson structs.
///
/// `bson_t` and `bson_iter_t` are declared 128-byte aligned, which Swift does not import, so every libbson pointer
/// is an `OpaquePointer` and the structs live in raw storage of the right size and alignment. Both are safe on the
/// stack: libbson keeps no pointer to a `bson_t`/`bson_iter_t` beyond the calls that receive it (a child document
/// from `bson_append_document_begin` must only outlive its `end` call, which these scopes guarantee).
enum LibBSONMemory {
    /// sizeof(bson_t) is 128 (asserted by libbson); sizeof(bson_iter_t) is 80, padded to its 128 alignment.
    static let structSize = 128
    static let structAlignment = 128

    static func withStorage<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        try withUnsafeTemporaryAllocation(byteCount: structSize, alignment: structAlignment) { buffer in
            try body(OpaquePointer(buffer.baseAddress!))
        }
    }
}
