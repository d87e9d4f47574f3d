/// Running word counts over many reviews.
public struct WordCounter: Sendable {
    /// How often each token has been seen.
    public private(set) var counts: [String: Int] = [:]
    private let tokenizer: Tokenizer

    public init(tokenizer: Tokenizer = Tokenizer()) {
        self.tokenizer = tokenizer
    }

    /// Counts the tokens of one review.
    public mutating func add(_ text: String) {
        add(tokens: tokenizer.tokens(in: text))
    }

    /// Counts tokens that were already split (for example by the same ``Tokenizer`` elsewhere).
    public mutating func add(tokens: [String]) {
        for token in tokens { counts[token, default: 0] += 1 }
    }

    /// Adds another counter's counts to this one.
    public mutating func merge(_ other: WordCounter) {
        counts.merge(other.counts, uniquingKeysWith: +)
    }
}
