import Foundation
import ReviewAnalysis
import Testing

struct NaiveBayesScalingTests {
    /// Reviews as bucket sets: bucket 1 only in positives, 2 only in negatives, 3 in both.
    static func documents(_ buckets: [[Int32]]) -> [TermCounts] {
        buckets.map { list in
            var counts = TermCounts()
            counts.textBuckets = list
            counts.textCounts = list.map { _ in 1 }
            return counts
        }
    }

    @Test func ratiosAreLargeForWordsOfOneClassAndZeroForWordsOfBoth() {
        let documents = Self.documents([[1, 3], [1, 3], [2, 3], [2, 3]])
        let ratios = NaiveBayesRatios(documents: documents, labels: [true, true, false, false], bucketCount: 4)
        // p = 1 + counts in positives = [1, 3, 1, 3], q = [1, 1, 3, 3]; both sum to 8.
        let expected: [Float] = [0, Float(log(3.0)), Float(log(3.0)), 0]
        for (got, want) in zip(ratios.magnitudes, expected) { #expect(abs(got - want) < 1e-6) }
    }

    @Test func ratiosAllowForClassesOfDifferentSizes() {
        // Three positives and one negative, every review with bucket 0: it says nothing about the class.
        let documents = Self.documents([[0], [0], [0], [0]])
        let ratios = NaiveBayesRatios(documents: documents, labels: [true, true, true, false], bucketCount: 2)
        // p = [4, 1], q = [2, 1]: normalised, p/|p| = 0.8 against q/|q| ≈ 0.667 — a small ratio, not ln 2.
        #expect(abs(ratios.magnitudes[0] - Float(log(0.8 / (2.0 / 3.0)))) < 1e-6)
    }

    @Test func interpolationRunsFromPlainFeaturesToFullNaiveBayesScaling() {
        let ratios = NaiveBayesRatios(magnitudes: [0, 1, 3])
        #expect(ratios.scales(interpolation: 0) == [1, 1, 1])
        #expect(ratios.scales(interpolation: 1) == [0, 1, 3])
        #expect(ratios.scales(interpolation: 0.5) == [0.5, 1, 2])
    }

    @Test func aModelFittedOnScaledFeaturesScoresRawFeaturesTheSameOnceUnscaled() {
        let rows = [SparseVector(indices: [0, 2], values: [0.6, 0.8]), SparseVector(indices: [1, 2], values: [0.8, 0.6]),
                    SparseVector(indices: [0, 3], values: [1, 0.5]), SparseVector(indices: [1, 3], values: [0.5, 1])]
        let matrix = SparseMatrix(rows: rows, columnCount: 4)
        let scales: [Float] = [2, 0.5, 1, 3]
        let fitted = LogisticRegression.fit(matrix.scalingColumns(by: scales), labels: [true, false, true, false], c: 10).model
        let unscaled = fitted.unscaling(scales)
        for row in rows {
            let scaled = SparseVector(indices: row.indices, values: zip(row.indices, row.values).map { $1 * scales[Int($0)] })
            #expect(abs(unscaled.probability(row) - fitted.probability(scaled)) < 1e-6)
        }
    }

    @Test func columnsNoReviewUsesKeepAZeroWeightAndWarmStartsStillFit() {
        let rows = [SparseVector(indices: [10], values: [1]), SparseVector(indices: [500], values: [1]),
                    SparseVector(indices: [10, 900], values: [0.6, 0.8]), SparseVector(indices: [500, 900], values: [0.6, 0.8])]
        let matrix = SparseMatrix(rows: rows, columnCount: 1024)
        let labels = [true, false, true, false]
        let first = LogisticRegression.fit(matrix, labels: labels, c: 1)
        #expect(first.solution.count == 1025)
        let warm = LogisticRegression.fit(matrix, labels: labels, c: 10, warmStart: first.solution)
        let cold = LogisticRegression.fit(matrix, labels: labels, c: 10)
        for model in [first.model, warm.model] {
            #expect(model.weights.enumerated().allSatisfy { [10, 500, 900].contains($0.offset) || $0.element == 0 })
            #expect(model.weights[10] > 0 && model.weights[500] < 0)
        }
        #expect(abs(warm.model.weights[10] - cold.model.weights[10]) < 0.05 * abs(cold.model.weights[10]))
    }

    @Test func gridCellsWrittenBeforeNaiveBayesReadAsPlainOnes() throws {
        let old = try JSONDecoder().decode(GridCell.self, from: Data(#"{"kind":"linear","c":10}"#.utf8))
        #expect(old == .linear(c: 10) && old.naiveBayes == nil)
        #expect(GridCell.linear(c: 10, naiveBayes: 0) == .linear(c: 10))
        #expect(GridCell.linear(c: 10, naiveBayes: 0.5).description == "linear C=10 NB β=0.5")
        #expect(String(decoding: try JSONEncoder().encode(GridCell.linear(c: 10)), as: UTF8.self).contains("naiveBayes") == false)
    }

    @Test func theGridSearchesEveryInterpolationWithEveryCAndTheWinnerIsAnOrdinaryLinearModelFile() throws {
        let reviews = ToyData.separable()
        let configuration = TrainingConfiguration(kind: .linear, folds: 3, vectorizer: ToyData.unigrams,
                                                  regularization: [1, 10], naiveBayesInterpolation: [0, 1])
        let outcome = SentimentTrainer(configuration: configuration).train(reviews)
        #expect(outcome.crossValidation.map(\.cell) == [.linear(c: 1), .linear(c: 10), .linear(c: 1, naiveBayes: 1),
                                                         .linear(c: 10, naiveBayes: 1)])
        let report = TrainingReport(seed: 42, folds: 3, testFraction: 0, crossValidation: outcome.crossValidation,
                                    winner: outcome.winner, heldOut: nil, trainSeconds: 0)
        let model = SentimentModel(vectorizer: outcome.vectorizer, classifier: outcome.classifier,
                                   hyperparameters: outcome.winner, labelRule: LabelRule(),
                                   trainingData: TrainingDataInfo(sha256: "", source: "toy", reviews: reviews.count, positives: 0),
                                   metrics: report)
        let loaded = try SentimentModel(data: try model.encoded())
        for review in reviews {
            #expect(loaded.predict(review.text).probability == model.predict(review.text).probability)
            #expect(loaded.predict(review.text).label == LabelRule().label(forScore: review.score))
        }
    }
}
