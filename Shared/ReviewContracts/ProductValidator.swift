import Foundation

/// Checks `products` messages against the catalog contract.
public struct ProductValidator: Sendable {
    /// Longest accepted id, name or category, in characters.
    public var maxFieldLength: Int

    public init(maxFieldLength: Int = 200) {
        self.maxFieldLength = maxFieldLength
    }

    /// Validates a message value; `key`, when the message has one, must be the product id.
    public func message(from value: some Collection<UInt8>, key: String?) -> Result<ProductMessage, ProductRejection> {
        let array = value as? [UInt8] ?? Array(value)
        let parsed: Result<JSONValue, ProductRejection> = array.withUnsafeBufferPointer { buffer in
            guard String(validating: buffer, as: UTF8.self) != nil else { return .failure(.invalidUTF8) }
            do { return .success(try JSONParser.parse(buffer)) } catch { return .failure(.invalidJSON("\(error)")) }
        }
        guard case .success(let json) = parsed else {
            if case .failure(let rejection) = parsed { return .failure(rejection) }
            return .failure(.notAnObject)
        }
        guard case .object(let object) = json else { return .failure(.notAnObject) }

        let id: String
        switch object["id"] {
        case nil, .null: return .failure(.missingField("id"))
        case .string(let value) where !value.isEmpty: id = value
        // The dataset's clothing ids are numbers; a producer may send them as such.
        case .number(let value) where value == value.rounded() && abs(value) < 1e15: id = String(Int(value))
        default: return .failure(.wrongType(field: "id", expected: "a non-empty string"))
        }
        let name: String
        switch object["name"] {
        case nil, .null: return .failure(.missingField("name"))
        case .string(let value) where !value.allSatisfy(\.isWhitespace): name = value
        default: return .failure(.wrongType(field: "name", expected: "a non-empty string"))
        }
        var categories: [String: String] = [:]
        for field in ["division", "department", "class"] {
            switch object[field] {
            case nil, .null: break
            case .string(let value) where !value.isEmpty: categories[field] = value
            case .string: break
            default: return .failure(.wrongType(field: field, expected: "a string"))
            }
        }
        for (field, value) in [("id", id), ("name", name)] + categories.map({ ($0.key, $0.value) })
        where value.count > maxFieldLength {
            return .failure(.tooLong(field: field, limit: maxFieldLength))
        }
        if let key, !key.isEmpty, key != id { return .failure(.keyMismatch(key: key, id: id)) }
        return .success(ProductMessage(
            id: id, name: name, division: categories["division"], department: categories["department"], productClass: categories["class"]
        ))
    }
}
