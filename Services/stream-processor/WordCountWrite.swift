import Foundation
import Mongo
import NIOConcurrencyHelpers

/// The `wordcount` writes of one batch, as few statements as the local database needs.
///
/// The database pays a fixed cost per update statement (it reads its catalog and walks its indexes for each one), so
/// 600 one-word `$inc` upserts cost far more than the same increments grouped: words already stored that get the same
/// increment share one `updateMany` on `{_id: {$in: [...]}}`, at most `chunkSize` ids each (its `$in` matching is
/// linear in the list, so long lists cost more again). Most words of a batch are stored already and most increments
/// are small, so 600 increments become about 60 statements. Words not known to be stored keep their own upsert.
///
/// Which words are stored is read at start and learnt from committed batches (``KnownWords``). Grouped statements
/// never insert, so if a word believed stored is missing (the collection was dropped behind the processor's back)
/// the statement matches fewer documents than it names: the caller checks ``expectedMatches`` and, on a shortfall,
/// aborts the transaction and writes the batch again with every word as an upsert. The stored counts are the same
/// either way.
struct WordCountWrite {
    /// Stored words that all get `increment`.
    struct Group {
        let increment: Int
        let words: [String]
    }

    var groups: [Group] = []
    /// Words written with an upsert each, in a stable order.
    var upserts: [(word: String, count: Int)] = []

    static let chunkSize = 16

    /// Splits `counts` into groups of stored words (`isStored`) and single upserts.
    init(counts: [String: Int], isStored: (String) -> Bool, chunkSize: Int = WordCountWrite.chunkSize) {
        var byIncrement: [Int: [String]] = [:]
        for (word, count) in counts {
            if isStored(word) {
                byIncrement[count, default: []].append(word)
            } else {
                upserts.append((word, count))
            }
        }
        for increment in byIncrement.keys.sorted() {
            let words = byIncrement[increment]!.sorted()
            for start in stride(from: 0, to: words.count, by: chunkSize) {
                groups.append(Group(increment: increment, words: Array(words[start..<min(start + chunkSize, words.count)])))
            }
        }
        upserts.sort { $0.word < $1.word }
    }

    /// Every word as its own upsert: the form that needs no knowledge of what is stored.
    init(upserting counts: [String: Int]) {
        self.init(counts: counts, isStored: { _ in false })
    }

    /// Documents the grouped statements must match: one per word in a group.
    var expectedMatches: Int { groups.reduce(0) { $0 + $1.words.count } }

    var isEmpty: Bool { groups.isEmpty && upserts.isEmpty }

    /// The bulk write's operations: the groups first, then the upserts.
    var operations: [MongoWriteOperation] {
        var operations: [MongoWriteOperation] = []
        operations.reserveCapacity(groups.count + upserts.count)
        for group in groups {
            let filter: BSONDocument = group.words.count == 1
                ? ["_id": .string(group.words[0])]
                : ["_id": ["$in": .array(group.words.map { .string($0) })]]
            operations.append(.updateMany(filter: filter, update: ["$inc": ["count": .int64(Int64(group.increment))]], upsert: false))
        }
        for (word, count) in upserts {
            operations.append(.updateOne(filter: ["_id": .string(word)], update: ["$inc": ["count": .int64(Int64(count))]], upsert: true))
        }
        return operations
    }
}

/// The words known to be stored in `wordcount`: those read when the processor starts and those of every batch it
/// committed since. Words are never deleted there, so a known word stays stored (unless the database itself is
/// dropped, which ``WordCountWrite`` detects). Shared by every write of the process.
final class KnownWords: Sendable {
    private let words = NIOLockedValueBox(Set<String>())

    func contains(_ word: String) -> Bool { words.withLockedValue { $0.contains(word) } }

    /// A committed batch stored these words.
    func insert(_ committed: some Sequence<String>) {
        words.withLockedValue { $0.formUnion(committed) }
    }

    /// What was believed stored was not: learn again from the next commits.
    func forget() {
        words.withLockedValue { $0.removeAll() }
    }

    var count: Int { words.withLockedValue { $0.count } }
}
