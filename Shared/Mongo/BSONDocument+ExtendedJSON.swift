import Foundation

extension BSONDocument {
    /// The document as relaxed extended JSON (MongoDB Extended JSON v2), for logs and debugging.
    ///
    /// Numbers print as JSON numbers, dates in range as `{"$date": "ISO-8601"}`, ObjectIds as `{"$oid": "..."}`,
    /// and non-finite doubles as `{"$numberDouble": "..."}`.
    public func extendedJSON() -> String {
        var output = ""
        ExtendedJSONWriter.write(.document(self), into: &output)
        return output
    }
}

extension BSON {
    /// The value as relaxed extended JSON.
    public func extendedJSON() -> String {
        var output = ""
        ExtendedJSONWriter.write(self, into: &output)
        return output
    }
}
