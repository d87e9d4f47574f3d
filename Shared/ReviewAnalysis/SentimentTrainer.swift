import Foundation
import Synchronization

/// Fits a ``SentimentModel``: hashed TF-IDF features, k-fold cross-validation over the configured grid (selecting by
/// accuracy, reporting AUC), then the winning cell refitted on all the reviews it was given. Deterministic for a seed.
public struct SentimentTrainer: Sendable {
    public let configuration: TrainingConfiguration

    public init(configuration: TrainingConfiguration = .init()) {
        self.configuration = configuration
    }

    /// The outcome of ``train(_:progress:)``.
    public struct Outcome: Sendable {
        public var vectorizer: HashingVectorizer
        public var classifier: SentimentClassifier
        public var crossValidation: [CrossValidationResult]
        public var winner: GridCell
        /// P(positive) from which a review is called positive.
        public var threshold: Double
        /// The winner's out-of-fold accuracy at ``threshold``.
        public var thresholdAccuracy: Double
    }

    /// Cross-validates the grid on `reviews` and refits the winner on all of them.
    /// - Parameter progress: called with the fraction done (0...1) and the current stage, from any thread.
    public func train(_ reviews: [LabeledReview], progress: (@Sendable (Double, String) -> Void)? = nil) -> Outcome {
        let grid = configuration.grid
        precondition(!grid.isEmpty, "the model-selection grid is empty")
        precondition(configuration.folds >= 2, "cross-validation needs at least 2 folds")
        let labels = reviews.map { configuration.labelRule.label(forScore: $0.score) == .positive }
        let counts = Self.counts(of: reviews, parameters: configuration.vectorizer)

        let linearCells = grid.filter { $0.kind == .linear }, forestCells = grid.filter { $0.kind == .forest }
        let maxTrees = forestCells.compactMap(\.trees).max() ?? 0, maxDepth = forestCells.compactMap(\.depth).max() ?? 0
        let foldUnits = linearCells.count + maxTrees
        let tracker = ProgressTracker(total: configuration.folds * foldUnits + max(maxTrees, 1), report: progress)

        let foldOf = StratifiedSplit.folds(labels: labels, count: configuration.folds, seed: configuration.seed)
        let runFold: @Sendable (Int) -> FoldOutcome = { fold in
            self.crossValidate(fold: fold, foldOf: foldOf, counts: counts, labels: labels, linearCells: linearCells,
                               forestCells: forestCells, maxTrees: maxTrees, maxDepth: maxDepth, tracker: tracker)
        }
        // Linear fits are single-threaded, so folds run side by side; forests parallelise over trees instead.
        let folds = forestCells.isEmpty
            ? DispatchQueue.concurrentMap(count: configuration.folds, runFold)
            : (0..<configuration.folds).map(runFold)
        let scores = folds.map(\.scores)
        var outOfFold = [GridCell: [Double]](uniqueKeysWithValues: grid.map { ($0, [Double](repeating: 0.5, count: reviews.count)) })
        for (fold, outcome) in folds.enumerated() {
            let rows = foldOf.indices.filter { foldOf[$0] == fold }
            for (cell, values) in outcome.probabilities {
                for (row, value) in zip(rows, values) { outOfFold[cell]![row] = value }
            }
        }

        let results = grid.map { cell -> CrossValidationResult in
            let accuracies = scores.map { $0[cell]!.accuracy }, aucs = scores.map { $0[cell]!.auc }
            let mean = accuracies.reduce(0, +) / Double(accuracies.count)
            let variance = accuracies.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(accuracies.count)
            return CrossValidationResult(cell: cell, accuracy: mean, auc: aucs.reduce(0, +) / Double(aucs.count),
                                         accuracyDeviation: variance.squareRoot())
        }
        // The first cell with the best accuracy wins, so ties go to the earlier (simpler or more regularised) cell.
        let winner = results.dropFirst().reduce(results[0]) { $1.accuracy > $0.accuracy ? $1 : $0 }.cell
        let expected = labels.map { $0 ? SentimentLabel.positive : .negative }
        let (threshold, thresholdAccuracy) = configuration.tuneThreshold
            ? Self.bestThreshold(outOfFold[winner]!, expected: expected)
            : (0.5, EvaluationReport(expected: expected, probabilities: outOfFold[winner]!).accuracy)

        tracker.stage("refitting \(winner) on all \(reviews.count) reviews")
        let vectorizer = HashingVectorizer(parameters: configuration.vectorizer, fittedOn: counts)
        let matrix = SparseMatrix(rows: counts.map(vectorizer.transform), columnCount: configuration.vectorizer.bucketCount)
        let classifier: SentimentClassifier
        switch winner.kind {
        case .linear:
            let scales = winner.naiveBayes.map {
                NaiveBayesRatios(documents: counts, labels: labels, bucketCount: matrix.columnCount).scales(interpolation: $0)
            }
            let fitted = LogisticRegression.fit(scales.map(matrix.scalingColumns) ?? matrix, labels: labels, c: winner.c!,
                                                sampleWeights: configuration.sampleWeights(for: labels)).model
            classifier = .linear(scales.map(fitted.unscaling) ?? fitted)
            tracker.advance(max(maxTrees, 1))
        case .forest:
            classifier = .forest(RandomForest.fit(matrix, labels: labels, treeCount: winner.trees!, maxDepth: winner.depth!,
                                                  seed: configuration.seed) { _ in tracker.advance(1) })
            tracker.advance(max(maxTrees, 1) - winner.trees!)
        }
        return Outcome(vectorizer: vectorizer, classifier: classifier, crossValidation: results, winner: winner,
                       threshold: threshold, thresholdAccuracy: thresholdAccuracy)
    }

    /// The cut-off in 0.20…0.80 (steps of 0.01) with the best accuracy; ties go to the one nearest 0.5.
    static func bestThreshold(_ probabilities: [Double], expected: [SentimentLabel]) -> (Double, Double) {
        var best = (threshold: 0.5, accuracy: -1.0)
        for step in 20...80 {
            let threshold = Double(step) / 100
            let correct = zip(probabilities, expected).filter { ($0.0 >= threshold) == ($0.1 == .positive) }.count
            let accuracy = Double(correct) / Double(max(expected.count, 1))
            if accuracy > best.accuracy || (accuracy == best.accuracy && abs(threshold - 0.5) < abs(best.threshold - 0.5)) {
                best = (threshold, accuracy)
            }
        }
        return best
    }

    /// One fold's validation scores and probabilities per grid cell, the probabilities in the fold's row order.
    private typealias FoldOutcome = (scores: [GridCell: (accuracy: Double, auc: Double)], probabilities: [GridCell: [Double]])

    private func crossValidate(fold: Int, foldOf: [Int], counts: [TermCounts], labels: [Bool], linearCells: [GridCell],
                               forestCells: [GridCell], maxTrees: Int, maxDepth: Int,
                               tracker: ProgressTracker) -> FoldOutcome {
        let trainRows = foldOf.indices.filter { foldOf[$0] != fold }, validationRows = foldOf.indices.filter { foldOf[$0] == fold }
        // The IDF is fitted on the training folds only, so the validation fold is truly unseen.
        let vectorizer = HashingVectorizer(parameters: configuration.vectorizer, fittedOn: trainRows.map { counts[$0] })
        let matrix = SparseMatrix(rows: trainRows.map { vectorizer.transform(counts[$0]) },
                                  columnCount: configuration.vectorizer.bucketCount)
        let trainLabels = trainRows.map { labels[$0] }
        let validation = validationRows.map { vectorizer.transform(counts[$0]) }
        let expected = validationRows.map { labels[$0] ? SentimentLabel.positive : .negative }
        var scores: [GridCell: (accuracy: Double, auc: Double)] = [:]
        var predictions: [GridCell: [Double]] = [:]
        func score(_ cell: GridCell, _ probabilities: [Double]) {
            let report = EvaluationReport(expected: expected, probabilities: probabilities)
            scores[cell] = (report.accuracy, report.auc)
            predictions[cell] = probabilities
        }

        let sampleWeights = configuration.sampleWeights(for: trainLabels)
        let interpolations = Set(linearCells.map { $0.naiveBayes ?? 0 }).sorted()
        // Counted on the training folds only, like the IDF.
        let ratios = interpolations.contains { $0 > 0 }
            ? NaiveBayesRatios(documents: trainRows.map { counts[$0] }, labels: trainLabels, bucketCount: matrix.columnCount)
            : nil
        for beta in interpolations {
            let scales = beta > 0 ? ratios!.scales(interpolation: beta) : nil
            let scaled = scales.map(matrix.scalingColumns) ?? matrix
            var warmStart: [Double]?
            for cell in linearCells.filter({ ($0.naiveBayes ?? 0) == beta }).sorted(by: { $0.c! < $1.c! }) {
                tracker.stage("fold \(fold + 1)/\(configuration.folds): \(cell)")
                let (fitted, solution, _) = LogisticRegression.fit(scaled, labels: trainLabels, c: cell.c!,
                                                                   sampleWeights: sampleWeights, warmStart: warmStart)
                warmStart = solution
                let model = scales.map(fitted.unscaling) ?? fitted
                score(cell, validation.map(model.probability))
                tracker.advance(1)
            }
        }
        if !forestCells.isEmpty {
            tracker.stage("fold \(fold + 1)/\(configuration.folds): forest of \(maxTrees) trees, depth \(maxDepth)")
            // One forest of the largest size answers every cell: a smaller cell is a prefix of its trees, cut shallower.
            let forest = RandomForest.fit(matrix, labels: trainLabels, treeCount: maxTrees, maxDepth: maxDepth,
                                          seed: configuration.seed) { _ in tracker.advance(1) }
            for cell in forestCells {
                score(cell, validation.map { forest.probability($0, treeCount: cell.trees!, maxDepth: cell.depth!) })
            }
        }
        return (scores, predictions)
    }

    /// Every review's hashed n-gram counts, computed once for all folds, in parallel.
    static func counts(of reviews: [LabeledReview], parameters: VectorizerParameters) -> [TermCounts] {
        let chunks = max(1, min(reviews.count / 256, ProcessInfo.processInfo.activeProcessorCount * 4))
        return DispatchQueue.concurrentMap(count: chunks) { chunk in
            let range = (reviews.count * chunk / chunks)..<(reviews.count * (chunk + 1) / chunks)
            return reviews[range].map { HashingVectorizer.counts(text: $0.text, summary: $0.summary, parameters: parameters) }
        }.flatMap { $0 }
    }
}

/// Progress counting for ``SentimentTrainer``, shared by the parallel folds and trees.
private final class ProgressTracker: Sendable {
    private let total: Int
    private let state = Mutex((done: 0, label: "vectorising"))
    private let report: (@Sendable (Double, String) -> Void)?

    init(total: Int, report: (@Sendable (Double, String) -> Void)?) {
        self.total = max(total, 1)
        self.report = report
        report?(0, state.withLock { $0.label })
    }

    func stage(_ label: String) {
        let fraction = state.withLock { state -> Double in
            state.label = label
            return Double(state.done) / Double(total)
        }
        report?(fraction, label)
    }

    func advance(_ units: Int) {
        let (fraction, label) = state.withLock { state -> (Double, String) in
            state.done = min(state.done + units, total)
            return (Double(state.done) / Double(total), state.label)
        }
        report?(fraction, label)
    }
}
