/// A fixed set of already well-mixed 64-bit hashes (the vectorizer's token hashes), looked up with one multiply-free
/// probe sequence instead of `Set`'s SipHash: the stop-word and negation tests run for every token of every review.
struct MixedHashSet: Sendable {
    private let slots: [UInt64]
    private let mask: Int
    private let containsZero: Bool

    init(_ hashes: some Collection<UInt64>) {
        var capacity = 16
        while capacity < hashes.count * 4 { capacity <<= 1 }
        var slots = [UInt64](repeating: 0, count: capacity)
        for hash in hashes where hash != 0 {
            var slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
            while slots[slot] != 0 && slots[slot] != hash { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = hash
        }
        self.slots = slots
        self.mask = capacity - 1
        self.containsZero = hashes.contains(0)
    }

    @inline(__always)
    func contains(_ hash: UInt64) -> Bool {
        if hash == 0 { return containsZero }
        return slots.withUnsafeBufferPointer { slots in
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let value = slots[slot]
                if value == hash { return true }
                if value == 0 { return false }
                slot = (slot + 1) & mask
            }
        }
    }
}
