import ReviewAnalysis
import Testing

struct TokenizerTests {
    let tokenizer = Tokenizer()
    let keepAll = Tokenizer(stopWords: [])

    @Test func lowerCasesAndStripsPunctuation() {
        #expect(keepAll.tokens(in: "Great DRESS!!! Fits, well... (really)") == ["great", "dress", "fits", "well", "really"])
    }

    @Test func removesStopWords() {
        #expect(tokenizer.tokens(in: "This is the best dress I have ever owned") == ["best", "dress", "owned"])
    }

    @Test func keepsInnerApostrophesAndDropsPossessiveS() {
        #expect(keepAll.tokens(in: "I don't love it; the dress's hem isn’t 'right'") ==
            ["i", "don't", "love", "it", "the", "dress", "hem", "isn't", "right"])
        #expect(keepAll.tokens(in: "I'm 5'4\" and 120 lbs") == ["i'm", "5'4", "and", "120", "lbs"])
    }

    @Test func contractionsOfStopWordsAreStopWords() {
        #expect(tokenizer.tokens(in: "It's lovely, I'm happy and they're cute") == ["lovely", "happy", "cute"])
    }

    @Test func handlesUnicodeLettersCaseAndNormalisation() {
        #expect(keepAll.tokens(in: "Très JOLIE robe — ÉTÉ") == ["très", "jolie", "robe", "été"])
        // Decomposed "é" (e + combining acute) yields the same bytes as the precomposed one.
        #expect(keepAll.tokens(in: "cafe\u{301}").first?.utf8.elementsEqual("caf\u{E9}".utf8) == true)
        #expect(keepAll.tokens(in: "Größe ΣΟΦΙΑ naïve") == ["größe", "σοφια", "naïve"])
        #expect(keepAll.tokens(in: "love it 😍😍 so much") == ["love", "it", "so", "much"])
    }

    @Test func emptyAndPunctuationOnlyTextHaveNoTokens() {
        #expect(tokenizer.tokens(in: "").isEmpty)
        #expect(tokenizer.tokens(in: "  ... !!! '' ").isEmpty)
        #expect(tokenizer.tokens(in: "the and of").isEmpty)
    }

    @Test func wordCounterCountsAndMerges() {
        var first = WordCounter()
        first.add("Love the dress, love the color")
        var second = WordCounter()
        second.add(tokens: ["dress", "fit"])
        first.merge(second)
        #expect(first.counts == ["love": 2, "dress": 2, "color": 1, "fit": 1])
    }
}
