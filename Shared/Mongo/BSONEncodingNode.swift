/// A value under construction by `BSONEncoder`. Containers share nodes by reference, so a nested container keeps
/// writing into its parent after being handed out, as `Encoder` requires.
final class BSONEncodingNode {
    enum Entry {
        case value(BSON)
        case node(BSONEncodingNode)

        var resolved: BSON {
            switch self {
            case .value(let value): return value
            case .node(let node): return node.resolved
            }
        }
    }

    private enum Kind {
        case unset, single, document, array
    }

    private var kind = Kind.unset
    private var single: BSON = .null
    private var keys: [String] = []
    private var entries: [Entry] = []

    var count: Int { entries.count }

    func setSingle(_ value: BSON) {
        kind = .single
        single = value
    }

    /// Turns the node into a document (or keeps it one, so repeated `container(keyedBy:)` calls share contents).
    func makeDocument() {
        if kind != .document {
            kind = .document
            keys = []
            entries = []
        }
    }

    func makeArray() {
        if kind != .array {
            kind = .array
            entries = []
        }
    }

    /// Sets `key`, replacing an earlier value for the same key in place.
    func set(_ entry: Entry, forKey key: String) {
        if let index = keys.firstIndex(of: key) {
            entries[index] = entry
        } else {
            keys.append(key)
            entries.append(entry)
        }
    }

    func append(_ entry: Entry) {
        entries.append(entry)
    }

    var resolved: BSON {
        switch kind {
        case .unset:
            // Nothing was encoded (e.g. an empty struct): the natural BSON value is an empty document.
            return .document(BSONDocument())
        case .single:
            return single
        case .document:
            var document = BSONDocument(reservingCapacity: keys.count)
            for (key, entry) in zip(keys, entries) { document.appendUnchecked(key, entry.resolved) }
            return .document(document)
        case .array:
            return .array(entries.map(\.resolved))
        }
    }
}
