import CPrefetch
import Foundation

/// Hashing TF-IDF over word n-grams: tokens from ``TokenScanner``, optionally negation-marked, n-grams hashed into
/// `2^hashBits` buckets (separate namespaces for the text, the title and the text's closing sentence), sublinear TF,
/// IDF fitted on training data, L2 normalisation per namespace.
///
/// The hash is fixed (FNV-1a then a 64-bit finaliser), not Swift's per-process `Hasher`, so a model file means the
/// same thing in every process.
public struct HashingVectorizer: Sendable {
    public let parameters: VectorizerParameters
    /// Inverse document frequency per bucket: `ln((1 + n) / (1 + df)) + 1`.
    public let idf: [Float]
    /// How many training reviews the IDF was fitted on.
    public let documentCount: Int

    public init(parameters: VectorizerParameters, idf: [Float], documentCount: Int) {
        precondition(idf.count == parameters.bucketCount, "IDF length must equal the bucket count")
        self.parameters = parameters
        self.idf = idf
        self.documentCount = documentCount
    }

    /// Fits the IDF on training reviews' counts.
    public init(parameters: VectorizerParameters, fittedOn documents: [TermCounts]) {
        var frequency = [Int32](repeating: 0, count: parameters.bucketCount)
        for document in documents {
            Self.forEachUniqueBucket(document) { frequency[Int($0)] += 1 }
        }
        let n = Double(documents.count)
        let idf = frequency.map { Float(log((1 + n) / (1 + Double($0))) + 1) }
        self.init(parameters: parameters, idf: idf, documentCount: documents.count)
    }

    /// The hashed n-gram counts of a review; they depend only on ``parameters``, so training computes them once.
    public static func counts(text: String, summary: String, parameters: VectorizerParameters) -> TermCounts {
        counts(text: text, summary: summary, parameters: parameters) { _, _ in }
    }

    /// ``counts(text:summary:parameters:)``, also calling `word` with every token of the text that is not one of
    /// ``StopWords/english`` (its UTF-8 bytes, valid only during the call, and its token hash), so a caller can count
    /// words from the same scan.
    static func counts(text: String, summary: String, parameters: VectorizerParameters,
                       word: (UnsafeBufferPointer<UInt8>, UInt64) -> Void) -> TermCounts {
        var counts = TermCounts()
        var hits: [Int32] = []
        hits.reserveCapacity(128)
        let mask = UInt64(parameters.bucketCount - 1)
        var closing = ClosingSentence(enabled: parameters.closingWeight > 0)
        collect(text, namespace: 0, parameters: parameters, mask: mask, into: &hits, closing: &closing, word: word)
        (counts.textBuckets, counts.textCounts) = TermCounts.runLengths(&hits)
        if closing.enabled {
            hits.removeAll(keepingCapacity: true)
            closing.hits(parameters: parameters, mask: mask, into: &hits)
            (counts.closingBuckets, counts.closingCounts) = TermCounts.runLengths(&hits)
        }
        if parameters.summaryWeight > 0 && !summary.isEmpty {
            hits.removeAll(keepingCapacity: true)
            var none = ClosingSentence(enabled: false)
            collect(summary, namespace: 1, parameters: parameters, mask: mask, into: &hits, closing: &none) { _, _ in }
            (counts.summaryBuckets, counts.summaryCounts) = TermCounts.runLengths(&hits)
        }
        return counts
    }

    public func counts(text: String, summary: String = "") -> TermCounts {
        Self.counts(text: text, summary: summary, parameters: parameters)
    }

    /// The review's TF-IDF vector: each namespace L2-normalised, the title and the closing sentence scaled by their
    /// weights.
    public func transform(_ counts: TermCounts) -> SparseVector {
        var vector = weighted(counts.textBuckets, counts.textCounts, scale: 1)
        if !counts.summaryBuckets.isEmpty {
            vector = Self.sum(vector, weighted(counts.summaryBuckets, counts.summaryCounts, scale: parameters.summaryWeight))
        }
        if !counts.closingBuckets.isEmpty {
            vector = Self.sum(vector, weighted(counts.closingBuckets, counts.closingCounts, scale: parameters.closingWeight))
        }
        return vector
    }

    public func transform(text: String, summary: String = "") -> SparseVector {
        transform(counts(text: text, summary: summary))
    }

    /// `weights · transform(counts(text:summary:))` without building the vector or sorting the n-grams: the linear
    /// model's prediction path, which the stream processor runs for every review. `word` sees every token of the text
    /// as in ``counts(text:summary:parameters:word:)``.
    /// `table` holds each bucket's IDF and weight side by side: the lookups miss the cache, and this way each bucket
    /// costs one miss instead of two.
    func dot(text: String, summary: String, table: BucketTable,
             word: (UnsafeBufferPointer<UInt8>, UInt64) -> Void) -> Double {
        var hits: [Int32] = []
        hits.reserveCapacity(256)
        let mask = UInt64(parameters.bucketCount - 1)
        var closing = ClosingSentence(enabled: parameters.closingWeight > 0)
        // Each n-gram's table entry is prefetched as soon as it is hashed: the tokenizing that follows hides the misses.
        let prefetch = UnsafePointer(table.entries.baseAddress)
        Self.collect(text, namespace: 0, parameters: parameters, mask: mask, into: &hits, closing: &closing, prefetch: prefetch, word: word)
        var sum = weightedDot(hits, scale: 1, table: table)
        if closing.enabled {
            hits.removeAll(keepingCapacity: true)
            closing.hits(parameters: parameters, mask: mask, into: &hits, prefetch: prefetch)
            sum += weightedDot(hits, scale: parameters.closingWeight, table: table)
        }
        if parameters.summaryWeight > 0 && !summary.isEmpty {
            hits.removeAll(keepingCapacity: true)
            var none = ClosingSentence(enabled: false)
            Self.collect(summary, namespace: 1, parameters: parameters, mask: mask, into: &hits, closing: &none, prefetch: prefetch) { _, _ in }
            sum += weightedDot(hits, scale: parameters.summaryWeight, table: table)
        }
        return sum
    }

    /// The dot product of one namespace's L2-normalised TF-IDF vector (from its unsorted bucket hits) with `weights`.
    /// Hits are tallied in an open-addressing table on the stack instead of sorted.
    private func weightedDot(_ hits: [Int32], scale: Double, table lookup: BucketTable) -> Double {
        guard !hits.isEmpty else { return 0 }
        var capacity = 64
        while capacity < hits.count * 2 { capacity <<= 1 }
        let slotMask = capacity - 1, sublinear = parameters.sublinearTF
        return withUnsafeTemporaryAllocation(of: (bucket: Int32, count: Int32).self, capacity: capacity) { table in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: hits.count) { used in
                table.initialize(repeating: (-1, 0))
                var distinct = 0
                for hit in hits {
                    var slot = Int(truncatingIfNeeded: UInt32(bitPattern: hit) &* 0x9E37_79B1) & slotMask
                    while table[slot].bucket != hit && table[slot].bucket != -1 { slot = (slot + 1) & slotMask }
                    if table[slot].bucket == -1 {
                        table[slot].bucket = hit
                        used[distinct] = slot
                        distinct += 1
                    }
                    table[slot].count += 1
                }
                // The lookups below miss the cache; a loop without data-dependent branches lets them overlap.
                var dot = 0.0, squares = 0.0
                do {
                    let idfAndWeights = lookup.entries
                    for k in 0..<distinct {
                        let entry = table[used[k]]
                        let pair = idfAndWeights[Int(entry.bucket)], count = Double(entry.count)
                        let tf = sublinear && entry.count > 1 ? 1 + log(count) : count
                        // Rounded to Float as ``transform(_:)`` stores it, so both paths score alike.
                        let value = Double(Float(tf * Double(pair.x)))
                        dot += value * Double(pair.y)
                        squares += value * value
                    }
                }
                return squares > 0 ? dot * scale / squares.squareRoot() : 0
            }
        }
    }

    private func weighted(_ buckets: [Int32], _ counts: [Float], scale: Double) -> SparseVector {
        var values = [Float](repeating: 0, count: buckets.count)
        var squares = 0.0
        for k in 0..<buckets.count {
            let tf = parameters.sublinearTF ? 1 + log(Double(counts[k])) : Double(counts[k])
            let value = tf * Double(idf[Int(buckets[k])])
            values[k] = Float(value)
            squares += value * value
        }
        if squares > 0 {
            let factor = scale / squares.squareRoot()
            for k in 0..<values.count { values[k] = Float(Double(values[k]) * factor) }
        }
        return SparseVector(indices: buckets, values: values)
    }

    /// Merges two ascending sparse vectors, adding values that share a bucket.
    static func sum(_ a: SparseVector, _ b: SparseVector) -> SparseVector {
        var indices: [Int32] = [], values: [Float] = []
        indices.reserveCapacity(a.count + b.count)
        values.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a.indices[i] < b.indices[j]) {
                indices.append(a.indices[i]); values.append(a.values[i]); i += 1
            } else if i == a.count || b.indices[j] < a.indices[i] {
                indices.append(b.indices[j]); values.append(b.values[j]); j += 1
            } else {
                indices.append(a.indices[i]); values.append(a.values[i] + b.values[j]); i += 1; j += 1
            }
        }
        return SparseVector(indices: indices, values: values)
    }

    static func forEachUniqueBucket(_ counts: TermCounts, _ body: (Int32) -> Void) {
        guard !counts.summaryBuckets.isEmpty || !counts.closingBuckets.isEmpty else { return counts.textBuckets.forEach(body) }
        var all = counts.textBuckets + counts.summaryBuckets + counts.closingBuckets
        all.sort()
        var last: Int32 = -1
        for bucket in all where bucket != last {
            body(bucket)
            last = bucket
        }
    }

    static let namespaceSeeds: [(unigram: UInt64, bigram: UInt64, trigram: UInt64)] = [
        (0x243F_6A88_85A3_08D3, 0x1319_8A2E_0370_7344, 0x3F84_D5B5_B547_0917),
        (0xA409_3822_299F_31D0, 0x082E_FA98_EC4E_6C89, 0x9216_D5D9_8979_FB1B),
        (0xD131_0BA6_98DF_B5AC, 0x2FFD_72DB_D01A_DFB7, 0xB8E1_AFED_6A26_7E96),
    ]
    private static let negationSalt: UInt64 = 0x4528_21E6_38D0_1377
    private static let stopWordHashes = hashes(of: StopWords.english)
    private static let negationHashes = hashes(of: [
        "not", "no", "never", "nothing", "nor", "cannot", "without", "neither", "none", "nobody", "nowhere",
        // Contractions typed without the apostrophe; the ones with it are caught by their "n't" ending.
        "dont", "didnt", "doesnt", "isnt", "wasnt", "arent", "werent", "cant", "couldnt", "wont", "wouldnt",
        "shouldnt", "havent", "hasnt", "hadnt", "aint",
    ])

    private static func hashes(of words: Set<String>) -> MixedHashSet {
        MixedHashSet(words.map { word in
            var word = word
            return word.withUTF8 { tokenHash($0) }
        })
    }

    /// The token hashes (negation-marked as in the text) of the text's sentence seen last, collected while the text
    /// is scanned; a token after `. ! ?` starts a new one.
    struct ClosingSentence {
        let enabled: Bool
        var hashes: [UInt64] = []

        init(enabled: Bool) {
            self.enabled = enabled
            if enabled { hashes.reserveCapacity(32) }
        }

        @inline(__always)
        mutating func add(_ hash: UInt64, startsSentence: Bool) {
            guard enabled else { return }
            if startsSentence { hashes.removeAll(keepingCapacity: true) }
            hashes.append(hash)
        }

        /// The sentence's n-grams in the closing namespace (their table entries prefetched when `prefetch` is given).
        func hits(parameters: VectorizerParameters, mask: UInt64, into hits: inout [Int32], prefetch: UnsafePointer<SIMD2<Float>>? = nil) {
            var previous: UInt64? = nil, beforePrevious: UInt64? = nil
            for hash in hashes {
                HashingVectorizer.appendNgrams(hash, previous: previous, beforePrevious: beforePrevious,
                                               seeds: HashingVectorizer.namespaceSeeds[2], ngramMax: parameters.ngramMax,
                                               mask: mask, into: &hits, prefetch: prefetch)
                beforePrevious = previous
                previous = hash
            }
        }
    }

    @inline(__always)
    private static func collect(_ text: String, namespace: Int, parameters: VectorizerParameters, mask: UInt64,
                                into hits: inout [Int32], closing: inout ClosingSentence,
                                prefetch: UnsafePointer<SIMD2<Float>>? = nil,
                                word: (UnsafeBufferPointer<UInt8>, UInt64) -> Void) {
        let seeds = namespaceSeeds[namespace]
        let ngramMax = parameters.ngramMax, dropStopWords = parameters.removeStopWords
        let markNegation = parameters.markNegation
        var previous: UInt64? = nil, beforePrevious: UInt64? = nil
        var negated = false
        var sentenceEnded = false
        TokenScanner.forEachToken(in: text) { bytes, punctuation in
            let plain = tokenHash(bytes)
            // Noted before a dropped stop word can return, so a sentence that opens with one still starts afresh.
            if punctuation == .sentence { sentenceEnded = true }
            if stopWordHashes.contains(plain) {
                if dropStopWords { return }
            } else {
                word(bytes, plain)
            }
            if punctuation != .none { negated = false }
            let hash = negated ? mix(plain ^ negationSalt) : plain
            appendNgrams(hash, previous: previous, beforePrevious: beforePrevious, seeds: seeds, ngramMax: ngramMax,
                         mask: mask, into: &hits, prefetch: prefetch)
            closing.add(hash, startsSentence: sentenceEnded)
            sentenceEnded = false
            beforePrevious = previous
            previous = hash
            if markNegation && !negated && isNegation(bytes, hash: plain) { negated = true }
        }
    }

    @inline(__always)
    static func appendNgrams(_ hash: UInt64, previous: UInt64?, beforePrevious: UInt64?,
                             seeds: (unigram: UInt64, bigram: UInt64, trigram: UInt64), ngramMax: Int, mask: UInt64,
                             into hits: inout [Int32], prefetch: UnsafePointer<SIMD2<Float>>? = nil) {
        @inline(__always) func append(_ bucket: UInt64) {
            hits.append(Int32(truncatingIfNeeded: bucket))
            if let prefetch { cprefetch_read(prefetch + Int(bucket)) }
        }
        append(mix(hash ^ seeds.unigram) & mask)
        if ngramMax >= 2, let previous {
            let bigram = (previous &* 0x9E37_79B9_7F4A_7C15) ^ hash
            append(mix(bigram ^ seeds.bigram) & mask)
            if ngramMax >= 3, let beforePrevious {
                let trigram = (beforePrevious &* 0xC2B2_AE3D_27D4_EB4F) ^ bigram
                append(mix(trigram ^ seeds.trigram) & mask)
            }
        }
    }

    @inline(__always)
    private static func isNegation(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Bool {
        let count = bytes.count
        if count >= 3 && bytes[count - 1] == 0x74 && bytes[count - 2] == 0x27 && bytes[count - 3] == 0x6E { return true }
        return negationHashes.contains(hash)
    }

    @inline(__always)
    static func tokenHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return mix(hash)
    }

    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        z = (z ^ (z >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        return z ^ (z >> 33)
    }
}
