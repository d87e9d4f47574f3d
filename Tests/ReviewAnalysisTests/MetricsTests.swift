import ReviewAnalysis
import Testing

struct MetricsTests {
    @Test func labelRuleIsPositiveAboveTheCutOff() {
        let rule = LabelRule()
        #expect(rule.label(forScore: 4) == .positive)
        #expect(rule.label(forScore: 3) == .negative)
        #expect(LabelRule(positiveAbove: 2).label(forScore: 3) == .positive)
        #expect(SentimentLabel.positive.rawValue == "pos" && SentimentLabel.negative.rawValue == "neg")
    }

    @Test func accuracyTrackerCountsCorrectPredictions() {
        var tracker = AccuracyTracker()
        #expect(tracker.value == 0)
        tracker.record(expected: .positive, predicted: .positive)
        tracker.record(expected: .negative, predicted: .positive)
        tracker.record(expected: .negative, predicted: .negative)
        tracker.record(expected: .positive, predicted: .positive)
        #expect(tracker == AccuracyTracker(total: 4, correct: 3))
        #expect(tracker.value == 0.75)
    }

    @Test func evaluationReportMatchesHandComputedMetrics() {
        // Predictions at 0.5 and above are positive.
        let expected: [SentimentLabel] = [.positive, .positive, .positive, .negative, .negative]
        let probabilities = [0.9, 0.6, 0.3, 0.7, 0.1]
        let report = EvaluationReport(expected: expected, probabilities: probabilities)
        #expect(report.accuracy == 0.6)
        #expect(report.confusion.truePositive == 2 && report.confusion.falseNegative == 1)
        #expect(report.confusion.falsePositive == 1 && report.confusion.trueNegative == 1)
        #expect(abs(report.positive.precision - 2.0 / 3) < 1e-12 && abs(report.positive.recall - 2.0 / 3) < 1e-12)
        #expect(report.negative.precision == 0.5 && report.negative.recall == 0.5 && report.negative.f1 == 0.5)
        // Of the 6 (positive, negative) pairs, the positive scores higher in 4.
        #expect(abs(report.auc - 4.0 / 6) < 1e-12)
    }

    @Test func aucCountsTiesAsHalf() {
        let report = EvaluationReport(expected: [.positive, .negative], probabilities: [0.5, 0.5])
        #expect(report.auc == 0.5)
    }
}
