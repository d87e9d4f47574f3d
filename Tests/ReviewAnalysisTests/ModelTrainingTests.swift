import Foundation
import ReviewAnalysis
import Testing

struct ModelTrainingTests {
    let rule = LabelRule()

    func trainingAccuracy(_ outcome: SentimentTrainer.Outcome, on reviews: [LabeledReview]) -> Double {
        let correct = reviews.filter { review in
            let probability = outcome.classifier.probability(outcome.vectorizer.transform(text: review.text))
            return SentimentPrediction(probability: probability).label == rule.label(forScore: review.score)
        }.count
        return Double(correct) / Double(reviews.count)
    }

    @Test func logisticRegressionLearnsASeparableSetPerfectly() {
        let reviews = ToyData.separable()
        let trainer = SentimentTrainer(configuration: .init(kind: .linear, folds: 3, vectorizer: ToyData.unigrams,
                                                            regularization: [10]))
        let outcome = trainer.train(reviews)
        #expect(trainingAccuracy(outcome, on: reviews) == 1)
        #expect(outcome.crossValidation.first?.accuracy == 1)
    }

    @Test func randomForestLearnsASeparableSetPerfectly() {
        let reviews = ToyData.separable()
        let trainer = SentimentTrainer(configuration: .init(kind: .forest, folds: 3, vectorizer: ToyData.unigrams,
                                                            forestTrees: [10], forestDepths: [5]))
        let outcome = trainer.train(reviews)
        #expect(trainingAccuracy(outcome, on: reviews) == 1)
    }

    @Test func crossValidationPicksTheDeeperForestWhenOnlyAnInteractionSeparates() throws {
        let reviews = ToyData.exclusiveOr()
        let trainer = SentimentTrainer(configuration: .init(kind: .forest, folds: 3, vectorizer: ToyData.unigrams,
                                                            forestTrees: [10], forestDepths: [1, 5]))
        let outcome = trainer.train(reviews)
        #expect(outcome.winner == .forest(trees: 10, depth: 5))
        let shallow = try #require(outcome.crossValidation.first { $0.cell.depth == 1 })
        let deep = try #require(outcome.crossValidation.first { $0.cell.depth == 5 })
        #expect(deep.accuracy >= 0.95)
        #expect(deep.accuracy > shallow.accuracy + 0.05)
    }

    @Test func crossValidationPicksTheUsefulRegularisation() {
        // At C = 1e-4 the weights stay near zero and every review gets the majority label; C = 10 learns the words.
        let reviews = ToyData.separable()
        let trainer = SentimentTrainer(configuration: .init(kind: .linear, folds: 3, vectorizer: ToyData.unigrams,
                                                            regularization: [10, 1e-4], naiveBayesInterpolation: [0],
                                                            balanceClasses: false))
        let outcome = trainer.train(reviews)
        #expect(outcome.winner == .linear(c: 10))
        #expect(outcome.crossValidation.map(\.cell) == [.linear(c: 1e-4), .linear(c: 10)])
        #expect(outcome.crossValidation[0].accuracy < outcome.crossValidation[1].accuracy)
    }

    @Test func unweightedClassesAreFittedAsPreciselyAsBalancedOnes() throws {
        // With unweighted classes (77 % positive) the largest gradient at w = 0 is the bias's. Measuring the stopping
        // tolerance against it let a fit warm-started from the previous C stop at once, so every C gave one model.
        let reviews = Array(try FixtureAccuracyTests.reviews().prefix(800))
        let rule = LabelRule()
        let labels = reviews.map { rule.label(forScore: $0.score) == .positive }
        let parameters = VectorizerParameters()
        let counts = reviews.map { HashingVectorizer.counts(text: $0.text, summary: $0.summary, parameters: parameters) }
        let vectorizer = HashingVectorizer(parameters: parameters, fittedOn: counts)
        let matrix = SparseMatrix(rows: counts.map(vectorizer.transform), columnCount: parameters.bucketCount)
        let low = LogisticRegression.fit(matrix, labels: labels, c: 1)
        let warm = LogisticRegression.fit(matrix, labels: labels, c: 30, warmStart: low.solution)
        let cold = LogisticRegression.fit(matrix, labels: labels, c: 30)
        func distance(_ a: [Float], _ b: [Float]) -> Double {
            zip(a, b).reduce(0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
        }
        let size = distance(cold.model.weights, [Float](repeating: 0, count: cold.model.weights.count))
        #expect(distance(warm.model.weights, cold.model.weights) < 0.05 * size, "the warm-started fit stopped early")
        #expect(distance(low.model.weights, cold.model.weights) > 0.2 * size, "C = 1 and C = 30 should differ")
    }

    @Test func autoSearchesBothGridsAndTheSameSeedGivesTheSameModel() throws {
        let reviews = ToyData.separable()
        let configuration = TrainingConfiguration(kind: nil, folds: 3, seed: 3, vectorizer: ToyData.unigrams,
                                                  forestTrees: [5], forestDepths: [2],
                                                  regularization: [1], naiveBayesInterpolation: [0])
        let first = SentimentTrainer(configuration: configuration).train(reviews)
        let second = SentimentTrainer(configuration: configuration).train(reviews)
        #expect(first.crossValidation.map(\.cell) == [.forest(trees: 5, depth: 2), .linear(c: 1)])
        #expect(first.crossValidation == second.crossValidation)
        #expect(first.classifier == second.classifier)
    }

    @Test func linearFoldsRunSideBySideGiveTheSameModelEveryTime() throws {
        // Without forests the folds run in parallel; each fold's scores and out-of-fold probabilities land in its own
        // slot, so the outcome cannot depend on which fold finishes first.
        let reviews = Array(try FixtureAccuracyTests.reviews().prefix(600))
        let configuration = TrainingConfiguration(kind: .linear, folds: 5, vectorizer: VectorizerParameters(hashBits: 16),
                                                  regularization: [1, 10], naiveBayesInterpolation: [0, 0.5])
        let runs = (0..<3).map { _ in SentimentTrainer(configuration: configuration).train(reviews) }
        for run in runs.dropFirst() {
            #expect(run.crossValidation == runs[0].crossValidation)
            #expect(run.threshold == runs[0].threshold && run.thresholdAccuracy == runs[0].thresholdAccuracy)
            #expect(run.classifier == runs[0].classifier)
        }
    }

    @Test func stratifiedSplitKeepsTheClassRatioAndIsSeeded() {
        let labels = (0..<1000).map { $0 % 4 != 0 }
        let split = StratifiedSplit.trainTest(labels: labels, testFraction: 0.2, seed: 42)
        #expect(split.test.count == 200)
        #expect(split.test.filter { labels[$0] }.count == 150)
        #expect(Set(split.train).isDisjoint(with: split.test) && split.train.count + split.test.count == 1000)
        #expect(StratifiedSplit.trainTest(labels: labels, testFraction: 0.2, seed: 42).test == split.test)
        #expect(StratifiedSplit.trainTest(labels: labels, testFraction: 0.2, seed: 43).test != split.test)
        let folds = StratifiedSplit.folds(labels: labels, count: 5, seed: 42)
        for fold in 0..<5 {
            #expect(folds.indices.filter { folds[$0] == fold }.count == 200)
        }
    }
}
