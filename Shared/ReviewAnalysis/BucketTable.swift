#if canImport(Glibc)
import Glibc
#endif

/// Each bucket's IDF and linear weight side by side, the table the prediction path looks every n-gram up in.
///
/// At 2^20 buckets it is 8 MiB, looked up at random, so most lookups miss the cache and many miss the TLB. It is
/// allocated 2 MiB-aligned and, on Linux, offered to the kernel for transparent huge pages, so the whole table sits
/// behind a few TLB entries; and the prediction path prefetches each n-gram's entry as soon as the n-gram is hashed
/// (``HashingVectorizer``), so the lookups after the tokenizing find their lines in cache or on the way.
/// Unchecked `Sendable`: the entries are written only in `init`, then only read until `deinit` frees them.
final class BucketTable: @unchecked Sendable {
    let entries: UnsafeMutableBufferPointer<SIMD2<Float>>

    init(idf: [Float], weights: [Float]) {
        precondition(idf.count == weights.count)
        let bytes = max(idf.count, 1) * MemoryLayout<SIMD2<Float>>.stride
        let alignment = 2 << 20
        let size = (bytes + alignment - 1) / alignment * alignment
        var raw: UnsafeMutableRawPointer?
        if posix_memalign(&raw, alignment, size) != 0 || raw == nil {
            raw = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: MemoryLayout<SIMD2<Float>>.alignment)
        }
        #if os(Linux)
        _ = madvise(raw, size, MADV_HUGEPAGE)
        #endif
        let base = raw!.bindMemory(to: SIMD2<Float>.self, capacity: idf.count)
        entries = UnsafeMutableBufferPointer(start: base, count: idf.count)
        for k in idf.indices { entries[k] = SIMD2(idf[k], weights[k]) }
    }

    deinit { free(entries.baseAddress) }
}
