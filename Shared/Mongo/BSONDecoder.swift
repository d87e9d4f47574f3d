import Foundation

/// Decodes `Decodable` values from BSON documents.
///
/// Numeric types decode from any numeric BSON value that they can represent exactly (an `Int` from `.int32`,
/// `.int64` or an integral `.double`; a `Double` from any number). `String` also decodes from `.objectId`,
/// `Date` from `.date`, and `BSON`/`BSONDocument` properties receive the raw value. A missing key or `.null`
/// decodes as `nil` for optionals.
public struct BSONDecoder {
    /// Passed to `Decodable` implementations through `Decoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: Any] = [:]

    public init() {}

    /// Decodes a `T` from `document`.
    /// - Throws: `MongoError.user` describing the first mismatch, with its coding path.
    public func decode<T: Decodable>(_ type: T.Type, from document: BSONDocument) throws -> T {
        try decode(type, fromValue: .document(document))
    }

    /// Decodes a `T` from any BSON value.
    public func decode<T: Decodable>(_ type: T.Type, fromValue value: BSON) throws -> T {
        do {
            return try BSONValueDecoder(value: value, codingPath: [], userInfo: userInfo).unbox(T.self)
        } catch let error as DecodingError {
            throw MongoError.user(message: CodingErrorDescription.describe(error))
        }
    }
}
