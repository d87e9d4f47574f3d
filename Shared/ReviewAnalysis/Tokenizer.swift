/// Splits review text into the words the running word count counts.
///
/// Tokens are lower-cased, unicode-aware runs of letters and digits; punctuation separates them. Inner apostrophes are
/// kept ("don't" → `don't`, "5’4" → `5'4`), a trailing `'s` is dropped ("dress's" → `dress`), and stop words are removed.
/// The sentiment model splits words the same way but keeps stop words such as "not".
public struct Tokenizer: Sendable {
    /// Words dropped from the output.
    public let stopWords: Set<String>

    public init(stopWords: Set<String> = StopWords.english) {
        self.stopWords = stopWords
    }

    /// The non-stop-word tokens of `text`, in order; empty for empty text.
    public func tokens(in text: String) -> [String] {
        var tokens: [String] = []
        TokenScanner.forEachToken(in: text) { bytes, _ in
            let token = String(decoding: bytes, as: UTF8.self)
            if !stopWords.contains(token) { tokens.append(token) }
        }
        return tokens
    }
}
