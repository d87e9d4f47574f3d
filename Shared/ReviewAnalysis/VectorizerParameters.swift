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
    /// The text's last sentence (after the last `.`, `!` or `?` that has words after it) again, in a namespace of its
    /// own scaled by this weight: reviews tend to end on their verdict ("Returning it.", "Would buy again!"). 0 leaves
    /// it out; model files written before it existed read as 0.
    public var closingWeight: Double

    public init(hashBits: Int = 20, ngramMax: Int = 2, sublinearTF: Bool = true, markNegation: Bool = true,
                removeStopWords: Bool = false, summaryWeight: Double = 0.7, closingWeight: Double = 0.5) {
        precondition((1...30).contains(hashBits) && (1...3).contains(ngramMax) && summaryWeight >= 0 && closingWeight >= 0)
        self.hashBits = hashBits
        self.ngramMax = ngramMax
        self.markNegation = markNegation
        self.sublinearTF = sublinearTF
        self.removeStopWords = removeStopWords
        self.summaryWeight = summaryWeight
        self.closingWeight = closingWeight
    }

    private enum CodingKeys: String, CodingKey {
        case hashBits, ngramMax, sublinearTF, markNegation, removeStopWords, summaryWeight, closingWeight
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        hashBits = try container.decode(Int.self, forKey: .hashBits)
        ngramMax = try container.decode(Int.self, forKey: .ngramMax)
        sublinearTF = try container.decode(Bool.self, forKey: .sublinearTF)
        markNegation = try container.decode(Bool.self, forKey: .markNegation)
        removeStopWords = try container.decode(Bool.self, forKey: .removeStopWords)
        summaryWeight = try container.decode(Double.self, forKey: .summaryWeight)
        closingWeight = try container.decodeIfPresent(Double.self, forKey: .closingWeight) ?? 0
    }

    public var bucketCount: Int { 1 << hashBits }
}
