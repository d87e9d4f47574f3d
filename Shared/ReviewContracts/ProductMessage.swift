import Foundation

/// A catalog entry as it travels on the `products` topic (key = `id`): `{id, name, division?, department?, class?}`.
/// The newest message for an id is the product's catalog state.
public struct ProductMessage: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var division: String?
    public var department: String?
    public var productClass: String?

    enum CodingKeys: String, CodingKey {
        case id, name, division, department
        case productClass = "class"
    }

    public init(id: String, name: String, division: String? = nil, department: String? = nil, productClass: String? = nil) {
        self.id = id
        self.name = name
        self.division = division
        self.department = department
        self.productClass = productClass
    }

    /// The message value as written to Kafka.
    public func encoded() -> [UInt8] {
        // A struct of strings always encodes.
        Array(try! ReviewMessage.encoder.encode(self))
    }
}
