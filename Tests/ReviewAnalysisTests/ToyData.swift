import ReviewAnalysis

/// Small constructed review sets with a known answer.
enum ToyData {
    static let fillers = ["dress", "shirt", "color", "fabric", "size", "ordered", "wore", "today", "summer", "blue",
                          "length", "sleeves", "store", "online", "petite", "waist"]

    /// Positive reviews say "love", negative ones say "awful"; the rest is shared filler. Linearly separable.
    static func separable(count: Int = 60, seed: UInt64 = 7) -> [LabeledReview] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { index in
            let positive = index % 3 != 0
            var words = (0..<6).map { _ in fillers.randomElement(using: &generator)! }
            words.insert(positive ? "love" : "awful", at: Int.random(in: 0...words.count, using: &generator))
            return LabeledReview(text: words.joined(separator: " "), score: positive ? 5 : 1)
        }
    }

    /// Positive exactly when one of "alpha" and "beta" appears (each is in two reviews of three): a sum of one-split
    /// stumps gets the reviews with neither word wrong, two levels of splits get everything right.
    static func exclusiveOr(count: Int = 180, seed: UInt64 = 11) -> [LabeledReview] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { index in
            let alpha = index % 3 != 0, beta = (index / 3) % 3 != 0
            // Few filler words, so the random feature subsets often include the two that matter.
            var words = (0..<2).map { _ in fillers.prefix(4).randomElement(using: &generator)! }
            if alpha { words.append("alpha") }
            if beta { words.append("beta") }
            words.shuffle(using: &generator)
            return LabeledReview(text: words.joined(separator: " "), score: alpha != beta ? 5 : 1)
        }
    }

    /// Unigram features (with bigrams a toy review is mostly unique word pairs that say nothing about its class), in
    /// 4,096 buckets: plenty for a toy vocabulary and fast in debug builds.
    static let unigrams = VectorizerParameters(hashBits: 12, ngramMax: 1)
}
