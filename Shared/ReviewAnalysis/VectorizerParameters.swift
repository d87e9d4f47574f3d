/// How review text becomes features; stored in the model file so prediction repeats training exactly.
public struct VectorizerParameters: Codable, Sendable, Equatable {
    /// Features are hashed into `2^hashBits` buckets.
    public var hashBits: Int
    /// 1: unigrams; 2: also bigrams; 3: also trigrams.
    public var ngramMax: Int
    /// Term frequency `1 + ln(tf)` instead of `tf`, so one repeated word does not dominate a review.
    public var sublinearTF: Bool
    /// Words after a negation ("not", "no", "never", "without", "…n't") up to the next clause punctuation are hashed as
    /// different features, so "not flattering" does not count towards "flattering".
    public var markNegation: Bool
    /// Drop ``StopWords/english`` before hashing. Off by default: negations and "but" carry sentiment.
    public var removeStopWords: Bool
    /// The review title's features live in their own hash namespace, L2-normalised separately and scaled by this
    /// weight relative to the text's; 0 ignores titles.
    public var summaryWeight: Double

    public init(hashBits: Int = 18, ngramMax: Int = 2, sublinearTF: Bool = true, markNegation: Bool = true,
                removeStopWords: Bool = false, summaryWeight: Double = 0.7) {
        precondition((1...30).contains(hashBits) && (1...3).contains(ngramMax) && summaryWeight >= 0)
        self.hashBits = hashBits
        self.ngramMax = ngramMax
        self.markNegation = markNegation
        self.sublinearTF = sublinearTF
        self.removeStopWords = removeStopWords
        self.summaryWeight = summaryWeight
    }

    public var bucketCount: Int { 1 << hashBits }
}
