import Foundation
import ReviewAnalysis
import Testing

struct VectorizerTests {
    let unigrams = VectorizerParameters(ngramMax: 1, markNegation: false, closingWeight: 0)

    /// The bucket a single word lands in (a one-word text has exactly one feature).
    func bucket(_ word: String, _ parameters: VectorizerParameters) -> Int32 {
        let counts = HashingVectorizer.counts(text: word, summary: "", parameters: parameters)
        precondition(counts.textBuckets.count == 1)
        return counts.textBuckets[0]
    }

    @Test func tfidfMatchesHandComputedValues() throws {
        let documents = ["good dress", "bad dress", "good good fit"]
        let counts = documents.map { HashingVectorizer.counts(text: $0, summary: "", parameters: unigrams) }
        let vectorizer = HashingVectorizer(parameters: unigrams, fittedOn: counts)
        // Smoothed IDF: ln((1 + n) / (1 + df)) + 1 with n = 3.
        let idfSeenTwice = log(4.0 / 3.0) + 1, idfSeenOnce = log(4.0 / 2.0) + 1, idfUnseen = log(4.0) + 1
        #expect(abs(Double(vectorizer.idf[Int(bucket("good", unigrams))]) - idfSeenTwice) < 1e-6)
        #expect(abs(Double(vectorizer.idf[Int(bucket("fit", unigrams))]) - idfSeenOnce) < 1e-6)
        #expect(abs(Double(vectorizer.idf[Int(bucket("zebra", unigrams))]) - idfUnseen) < 1e-6)

        // "good good fit": sublinear tf 1 + ln 2 for "good", 1 for "fit", then L2 normalisation.
        let good = (1 + log(2.0)) * idfSeenTwice, fit = 1 * idfSeenOnce
        let norm = (good * good + fit * fit).squareRoot()
        let vector = vectorizer.transform(text: "good good fit")
        #expect(vector.count == 2)
        let values = Dictionary(uniqueKeysWithValues: zip(vector.indices, vector.values))
        #expect(abs(Double(try #require(values[bucket("good", unigrams)])) - good / norm) < 1e-6)
        #expect(abs(Double(try #require(values[bucket("fit", unigrams)])) - fit / norm) < 1e-6)
    }

    @Test func bigramsAddOneFeaturePerAdjacentPair() {
        let bigrams = VectorizerParameters(ngramMax: 2, markNegation: false)
        let counts = HashingVectorizer.counts(text: "runs very small", summary: "", parameters: bigrams)
        #expect(counts.textBuckets.count == 5)
        #expect(Set(counts.textBuckets).isSuperset(of: ["runs", "very", "small"].map { bucket($0, bigrams) }))
    }

    @Test func wordsAfterANegationAreDistinctFeaturesUntilPunctuation() {
        let parameters = VectorizerParameters(ngramMax: 1, markNegation: true)
        let flattering = bucket("flattering", parameters)
        #expect(!HashingVectorizer.counts(text: "not flattering", summary: "", parameters: parameters).textBuckets.contains(flattering))
        #expect(!HashingVectorizer.counts(text: "it isn't flattering", summary: "", parameters: parameters).textBuckets.contains(flattering))
        #expect(HashingVectorizer.counts(text: "not cheap, but flattering", summary: "", parameters: parameters).textBuckets.contains(flattering))
    }

    @Test func titleWordsLiveInTheirOwnNamespaceAndWeight() {
        let parameters = VectorizerParameters(ngramMax: 1, summaryWeight: 0.5, closingWeight: 0)
        let counts = HashingVectorizer.counts(text: "lovely", summary: "lovely", parameters: parameters)
        #expect(counts.summaryBuckets.count == 1)
        #expect(counts.summaryBuckets != counts.textBuckets)
        let vectorizer = HashingVectorizer(parameters: parameters, fittedOn: [counts])
        let vector = vectorizer.transform(counts)
        #expect(vector.values.sorted() == [0.5, 1])
        let ignored = HashingVectorizer.counts(text: "lovely", summary: "lovely", parameters: VectorizerParameters(summaryWeight: 0))
        #expect(ignored.summaryBuckets.isEmpty)
    }

    @Test func theLastSentenceIsCountedAgainInItsOwnNamespaceAndWeight() throws {
        let parameters = VectorizerParameters(ngramMax: 2, markNegation: true, summaryWeight: 0, closingWeight: 0.5)
        let closing = { (text: String) in HashingVectorizer.counts(text: text, summary: "", parameters: parameters).closingBuckets }
        let review = HashingVectorizer.counts(text: "Lovely colour, soft. Sadly it runs small!", summary: "", parameters: parameters)
        // The closing sentence's n-grams are those of the sentence alone (a one-sentence text is its own closing one),
        // in buckets apart from the text's; trailing punctuation does not start an empty sentence.
        #expect(review.closingBuckets == closing("Sadly it runs small"))
        #expect(review.closingBuckets.count == 7)
        #expect(Set(review.closingBuckets).isDisjoint(with: HashingVectorizer.counts(text: "Sadly it runs small", summary: "",
            parameters: parameters).textBuckets))
        #expect(closing("Great. Not flattering") == closing("not flattering"), "negation marking as in the text")
        #expect(closing("Great. Not flattering") != closing("flattering not"))
        #expect(closing("Fits well? yes") == closing("yes") && closing("") == [])
        let vectorizer = HashingVectorizer(parameters: parameters, fittedOn: [review])
        let norm = { (values: ArraySlice<Float>) in values.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot() }
        let vector = vectorizer.transform(review)
        #expect(vector.count == review.textBuckets.count + review.closingBuckets.count)
        let closingValues = vector.indices.enumerated().filter { review.closingBuckets.contains($0.element) }.map { vector.values[$0.offset] }
        #expect(abs(norm(closingValues[...]) - 0.5) < 1e-6)
        let off = VectorizerParameters(ngramMax: 2, markNegation: true, summaryWeight: 0, closingWeight: 0)
        #expect(HashingVectorizer.counts(text: "A. B", summary: "", parameters: off).closingBuckets.isEmpty)
    }

    @Test func modelFilesWrittenBeforeTheClosingSentenceReadItAsOff() throws {
        let old = #"{"hashBits":18,"markNegation":true,"ngramMax":2,"removeStopWords":false,"sublinearTF":true,"summaryWeight":0.7}"#
        let parameters = try JSONDecoder().decode(VectorizerParameters.self, from: Data(old.utf8))
        #expect(parameters.closingWeight == 0 && parameters.summaryWeight == 0.7)
        let written = try JSONEncoder().encode(VectorizerParameters())
        #expect(try JSONDecoder().decode(VectorizerParameters.self, from: written) == VectorizerParameters())
    }

    @Test func emptyTextGivesAnEmptyVector() {
        let vectorizer = HashingVectorizer(parameters: unigrams, fittedOn: [])
        #expect(vectorizer.transform(text: "").count == 0)
        #expect(vectorizer.transform(text: "!!!").count == 0)
    }
}
