import Foundation
import Testing

@testable import ReviewAnalysis

/// The stream processor's prediction path (one scan for prediction and word counts, no sparse vector, no sort) must
/// agree with the plain path the trainer evaluates: ``HashingVectorizer/transform(text:summary:)`` and
/// ``SentimentClassifier/probability(_:)``, and ``Tokenizer`` for the words.
struct PredictionPathTests {
    static let fixture: [LabeledReview] = try! FixtureAccuracyTests.reviews()

    static func model(_ kind: ModelKind) -> SentimentModel {
        let reviews = Array(fixture.prefix(600))
        let outcome = SentimentTrainer(configuration: .init(kind: kind, folds: 2, seed: 7, forestTrees: [5], forestDepths: [6],
                                                            regularization: [10]))
            .train(reviews)
        let report = TrainingReport(seed: 7, folds: 2, testFraction: 0, crossValidation: outcome.crossValidation,
                                    winner: outcome.winner, heldOut: nil, trainSeconds: 0)
        return SentimentModel(vectorizer: outcome.vectorizer, classifier: outcome.classifier, hyperparameters: outcome.winner,
                              threshold: outcome.threshold, labelRule: LabelRule(),
                              trainingData: .init(sha256: "00", source: "fixture", reviews: reviews.count, positives: 0),
                              metrics: report)
    }

    @Test(arguments: ModelKind.allCases)
    func fastPathAgreesWithTheVectorPathAndTheTokenizer(kind: ModelKind) throws {
        let model = Self.model(kind)
        let tokenizer = Tokenizer()
        var tally = WordTally()
        var expectedWords: [String: Int] = [:]
        let reviews = Array(Self.fixture.suffix(400)) + [
            LabeledReview(text: "", summary: "", score: 3),
            LabeledReview(text: "Ünïcödé CAFÉ café, don't  wasn't… the dress's hem!", summary: "Not great", score: 2),
            LabeledReview(text: String(repeating: "a", count: 300) + " long token", summary: "", score: 5),
        ]
        var labelsDiffer = 0
        for review in reviews {
            let slow = model.classifier.probability(model.vectorizer.transform(text: review.text, summary: review.summary))
            let fast = model.predict(review.text, summary: review.summary, countingWordsInto: &tally)
            #expect(abs(fast.probability - slow) < 1e-6, "\(review.text.prefix(40)): \(fast.probability) vs \(slow)")
            #expect(model.predict(review.text, summary: review.summary) == fast)
            if (slow >= model.threshold) != (fast.label == .positive) { labelsDiffer += 1 }
            for token in tokenizer.tokens(in: review.text) { expectedWords[token, default: 0] += 1 }
        }
        // A probability within 1e-6 of the cut-off could flip; none of these reviews is that close.
        #expect(labelsDiffer == 0)
        #expect(tally.dictionary == expectedWords)
        #expect(tally.count == expectedWords.count && expectedWords.count > 1000, "\(expectedWords.count) distinct words")
    }

    @Test func wordTallyKeepsDistinctWordsApartAcrossGrowth() {
        var tally = WordTally()
        var expected: [String: Int] = [:]
        for round in 0..<3 {
            for n in 0..<1500 {
                let word = "w\(n * 7919 % 1511)"
                var copy = word
                // A deliberately weak hash (the length): only the byte comparison keeps the words apart.
                copy.withUTF8 { tally.add($0, hash: UInt64($0.count)) }
                expected[word, default: 0] += 1
            }
            if round == 0 { #expect(tally.count == 1500) }
        }
        #expect(tally.dictionary == expected)
        #expect(expected.values.allSatisfy { $0 == 3 })
    }

    @Test func mixedHashSetFindsExactlyItsMembers() {
        let members = (1...200).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        let set = MixedHashSet(members)
        #expect(members.allSatisfy(set.contains))
        #expect(!(201...5000).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }.contains(where: set.contains))
        #expect(!set.contains(0))
        #expect(MixedHashSet([0, 5]).contains(0))
    }
}
