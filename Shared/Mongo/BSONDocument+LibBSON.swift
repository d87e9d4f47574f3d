import CMongoc
import Foundation

// Conversion between `BSONDocument` and libbson's `bson_t`, walking `bson_iter_t` directly: this runs for every
// document sent or received, so it avoids any intermediate JSON.

extension BSONDocument {
    /// Copies a libbson document (a `const bson_t *`) into Swift values.
    init(copying bson: OpaquePointer) {
        self = LibBSONMemory.withStorage { iterator in
            guard bson_iter_init(iterator, bson) else { return BSONDocument() }
            return LibBSONReader.document(iterator)
        }
    }

    /// A new heap `bson_t` holding this document; the caller owns it and must `bson_destroy` it.
    func makeBSON() throws -> OpaquePointer {
        guard let bson = bson_new() else { throw MongoError.user(message: "libbson could not allocate a document") }
        do {
            try LibBSONWriter.append(self, to: bson)
        } catch {
            bson_destroy(bson)
            throw error
        }
        return bson
    }

    /// Runs `body` with a temporary libbson copy of this document.
    func withBSON<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        let bson = try makeBSON()
        defer { bson_destroy(bson) }
        return try body(bson)
    }
}

extension BSONDocument {
    /// This document after a trip to libbson and back; lets tests check the conversion in both directions.
    func roundTrippedThroughLibBSON() throws -> BSONDocument {
        try withBSON { BSONDocument(copying: $0) }
    }
}
