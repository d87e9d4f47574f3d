/// An ordered BSON document.
///
/// Keys keep their insertion order (MongoDB compares documents, sort specifications and index keys in order), and
/// equality is order-sensitive. Setting an existing key replaces its value in place; setting `nil` removes it.
public struct BSONDocument: Sendable, Hashable {
    private var orderedKeys: [String]
    private var orderedValues: [BSON]

    /// An empty document.
    public init() {
        orderedKeys = []
        orderedValues = []
    }

    init(reservingCapacity capacity: Int) {
        self.init()
        orderedKeys.reserveCapacity(capacity)
        orderedValues.reserveCapacity(capacity)
    }

    /// The value for `key`, or `nil` when absent. Assigning `nil` removes the key.
    public subscript(key: String) -> BSON? {
        get {
            guard let index = orderedKeys.firstIndex(of: key) else { return nil }
            return orderedValues[index]
        }
        set {
            if let index = orderedKeys.firstIndex(of: key) {
                if let newValue {
                    orderedValues[index] = newValue
                } else {
                    orderedKeys.remove(at: index)
                    orderedValues.remove(at: index)
                }
            } else if let newValue {
                orderedKeys.append(key)
                orderedValues.append(newValue)
            }
        }
    }

    /// The keys in document order.
    public var keys: [String] { orderedKeys }

    /// The values in document order.
    public var values: [BSON] { orderedValues }

    /// The number of keys.
    public var count: Int { orderedKeys.count }

    /// Whether the document has no keys.
    public var isEmpty: Bool { orderedKeys.isEmpty }

    /// Appends without looking for an existing key; only for builders that know keys are unique (libbson reads).
    mutating func appendUnchecked(_ key: String, _ value: BSON) {
        orderedKeys.append(key)
        orderedValues.append(value)
    }
}

extension BSONDocument: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, BSON)...) {
        self.init(reservingCapacity: elements.count)
        for (key, value) in elements { self[key] = value }
    }
}

extension BSONDocument: Sequence {
    public typealias Element = (key: String, value: BSON)

    /// Iterates the key/value pairs in document order.
    public struct Iterator: IteratorProtocol {
        private let document: BSONDocument
        private var index = 0

        init(_ document: BSONDocument) { self.document = document }

        public mutating func next() -> (key: String, value: BSON)? {
            guard index < document.orderedKeys.count else { return nil }
            defer { index += 1 }
            return (document.orderedKeys[index], document.orderedValues[index])
        }
    }

    public func makeIterator() -> Iterator { Iterator(self) }

    public var underestimatedCount: Int { count }
}
