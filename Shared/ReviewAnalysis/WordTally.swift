/// Word counts built from the tokens the vectorizer scans, keyed by the token hash it has already computed, so
/// counting a word costs no second hash of its text. Words are compared byte for byte on a hash match, so two words
/// never merge.
public struct WordTally: Sendable {
    /// Index into the entry arrays, or -1 for an empty slot.
    private var slots = [Int32](repeating: -1, count: 1024)
    private var hashes: [UInt64] = []
    private var words: [String] = []
    private var counts: [Int] = []

    public init() {}

    /// How many distinct words were counted.
    public var count: Int { words.count }
    public var isEmpty: Bool { words.isEmpty }

    /// The counts as a dictionary. (Tokens arrive NFC-normalised, so two entries never hold canonically equal
    /// strings; if they ever did, their counts would be added rather than trap.)
    public var dictionary: [String: Int] {
        Dictionary(zip(words, counts), uniquingKeysWith: +)
    }

    /// Adds one occurrence of the token `bytes`, whose ``HashingVectorizer`` token hash is `hash`.
    @inline(__always)
    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { break }
            if hashes[entry] == hash && Self.equal(words[entry], bytes) {
                counts[entry] += 1
                return
            }
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(words.count)
        hashes.append(hash)
        words.append(String(decoding: bytes, as: UTF8.self))
        counts.append(1)
        if words.count * 2 > slots.count { rehash() }
    }

    @inline(__always)
    private static func equal(_ word: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var word = word
        return word.withUTF8 { stored in
            stored.count == bytes.count && (bytes.count == 0 || memcmp(stored.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
        }
    }

    private mutating func rehash() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (entry, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(entry)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
