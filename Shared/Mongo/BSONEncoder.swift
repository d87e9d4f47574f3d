import Foundation

/// Encodes `Encodable` values as BSON documents.
///
/// `Date` becomes `.date`; `Int`, `Int64`, `UInt32` (and `UInt`/`UInt64` up to `Int64.max`) become `.int64`;
/// smaller integers become `.int32`; `Float` and `Double` become `.double`; `URL` becomes its absolute string;
/// `BSON` and `BSONDocument` values are embedded as they are. `nil` optionals are omitted by synthesized
/// conformances.
public struct BSONEncoder {
    /// Passed to `Encodable` implementations through `Encoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: Any] = [:]

    public init() {}

    /// Encodes `value`, which must encode to a keyed container (a document).
    /// - Throws: `MongoError.user` when the value is not a document or cannot be represented.
    public func encode<T: Encodable>(_ value: T) throws -> BSONDocument {
        let encoded: BSON
        do {
            encoded = try encodeValue(value)
        } catch let error as EncodingError {
            throw MongoError.user(message: CodingErrorDescription.describe(error))
        }
        guard case .document(let document) = encoded else {
            throw MongoError.user(message: "\(T.self) does not encode to a document (got \(encoded.extendedJSON()))")
        }
        return document
    }

    /// Encodes `value` as any BSON value (document, array, or scalar).
    public func encodeValue<T: Encodable>(_ value: T) throws -> BSON {
        try BSONValueEncoder(node: BSONEncodingNode(), codingPath: [], userInfo: userInfo).box(value).resolved
    }
}
