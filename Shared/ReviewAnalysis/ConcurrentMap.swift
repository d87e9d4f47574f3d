import Foundation

extension DispatchQueue {
    /// `transform(0)`, …, `transform(count - 1)` run side by side on all cores, returned in index order: each worker
    /// writes only its own slot, so the result never depends on which worker finished first and no lock is needed.
    static func concurrentMap<Element: Sendable>(count: Int, _ transform: @Sendable (Int) -> Element) -> [Element] {
        guard count > 0 else { return [] }
        return [Element](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            let slots = DisjointSlots(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: count) { index in
                (slots.base + index).initialize(to: transform(index))
            }
            initializedCount = count
        }
    }
}

/// The start of an array under construction whose slots parallel workers initialise.
/// Unchecked `Sendable`: each index is initialised by exactly one worker, and the array is read only after all returned.
private struct DisjointSlots<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}
