import Foundation
import ReviewAnalysis
import Testing

/// Trains on the committed 2,000-review fixture the way `trainer` does and checks the held-out accuracy floor.
struct FixtureAccuracyTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/reviews-sample.jsonl")

    static func reviews() throws -> [LabeledReview] {
        struct Line: Decodable { var reviewText: String; var overall: Double; var summary: String? }
        let decoder = JSONDecoder()
        return try Data(contentsOf: fixture).split(separator: UInt8(ascii: "\n")).map { line in
            let review = try decoder.decode(Line.self, from: Data(line))
            return LabeledReview(text: review.reviewText, summary: review.summary ?? "", score: review.overall)
        }
    }

    @Test func linearModelBeatsTheMajorityClassClearlyOnTheFixture() throws {
        let reviews = try Self.reviews()
        #expect(reviews.count == 2000)
        let rule = LabelRule()
        let labels = reviews.map { rule.label(forScore: $0.score) == .positive }
        let split = StratifiedSplit.trainTest(labels: labels, testFraction: 0.2, seed: 42)
        let outcome = SentimentTrainer(configuration: .init(kind: .linear, folds: 3, seed: 42))
            .train(split.train.map { reviews[$0] })
        let probabilities = split.test.map {
            outcome.classifier.probability(outcome.vectorizer.transform(text: reviews[$0].text, summary: reviews[$0].summary))
        }
        let report = EvaluationReport(expected: split.test.map { rule.label(forScore: reviews[$0].score) },
                                      probabilities: probabilities)
        let majority = Double(split.test.filter { labels[$0] }.count) / Double(split.test.count)
        // Measured on Linux x86-64: accuracy 0.9125, AUC 0.954, majority 0.7775 (400 held-out reviews). The floors
        // leave room for a different platform's floating point, not for a weaker model.
        #expect(report.accuracy >= 0.89, "held-out accuracy \(report.accuracy), majority \(majority)")
        #expect(report.auc >= 0.93, "held-out AUC \(report.auc)")
        #expect(report.accuracy > majority + 0.1)
    }
}
