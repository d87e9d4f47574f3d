import ArgumentParser
import Foundation
import ReviewAnalysis

/// `trainer [train]`: cross-validated model selection, a held-out evaluation and the model file.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Select a model by k-fold cross-validation, evaluate it on held-out reviews and write the model file."
    )

    @Option(help: "Labelled reviews: McAuley-style JSON lines, plain or gzip.")
    var data: String
    @Option(help: "Model file to write.")
    var out: String
    @Option(help: "Fraction of the reviews held out (stratified) for the final evaluation; 0 keeps all for training.")
    var testFraction = 0.2
    @Option(help: "Cross-validation folds.")
    var folds = 5
    @Option(help: "Seed for the split, the folds and the forests; the same seed gives the same model.")
    var seed: UInt64 = 42
    @Option(help: "forest (the seed's random forest), linear (logistic regression) or auto (both grids).")
    var model: ModelChoice = .auto
    @Option(help: "Regularisation grid for the linear model (C values, comma-separated).")
    var cGrid = "1,3,10,30,100"
    @Option(help: "Naive-Bayes interpolations searched for the linear model, each with every C (comma-separated, each in 0...1; 0: plain TF-IDF features, 1: features scaled by their naive-Bayes log-count ratio).")
    var nbGrid = "0,0.5,1"
    @Option(help: "Weight of the review title's features relative to the text's; 0 ignores titles.")
    var summaryWeight = 0.7
    @Option(help: "Weight of the features of the text's last sentence (reviews end on their verdict), again in a namespace of their own; 0 leaves them out.")
    var closingWeight = 0.5
    @Option(help: "Hash features into 2^N buckets.")
    var hashBits = 20
    @Option(help: "Longest word n-gram: 1, 2 or 3.")
    var ngrams = 2
    @Flag(inversion: .prefixedNo, help: "Hash words after a negation (\"not\", \"never\", \"…n't\") up to the next punctuation as separate features.")
    var negation = true
    @Flag(inversion: .prefixedNo, help: "Weight the linear model's loss so both classes count equally (raises negative-class recall).")
    var balanced = true
    @Flag(inversion: .prefixedNo, help: "Tune the probability cut-off for 'positive' on out-of-fold predictions instead of using 0.5.")
    var tuneThreshold = true
    @Option(help: "A review is positive when its score is above this.")
    var positiveAbove = 3.0
    @Flag(help: "Skip malformed lines (and count them) instead of failing on the first one.")
    var skipInvalid = false
    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    enum ModelChoice: String, ExpressibleByArgument, CaseIterable {
        case forest, linear, auto
    }

    func validate() throws {
        guard (0..<1).contains(testFraction) else { throw ValidationError("--test-fraction must be in [0, 1)") }
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2") }
        guard (10...24).contains(hashBits) else { throw ValidationError("--hash-bits must be between 10 and 24") }
        guard (1...3).contains(ngrams) else { throw ValidationError("--ngrams must be 1, 2 or 3") }
        guard summaryWeight >= 0 else { throw ValidationError("--summary-weight must not be negative") }
        guard closingWeight >= 0 else { throw ValidationError("--closing-weight must not be negative") }
        guard regularization != nil else { throw ValidationError("--c-grid must be positive numbers separated by commas") }
        guard naiveBayesInterpolation != nil else { throw ValidationError("--nb-grid must be numbers in 0...1 separated by commas") }
    }

    private var naiveBayesInterpolation: [Double]? {
        let values = nbGrid.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ (0...1).contains($0 ?? -1) }) else { return nil }
        return values.map { $0! }
    }

    private var regularization: [Double]? {
        let values = cGrid.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return values.map { $0! }
    }

    func run() throws {
        let started = Date()
        let file = try ReviewFile(path: data, skipInvalid: skipInvalid)
        let labelRule = LabelRule(positiveAbove: positiveAbove)
        let labels = file.reviews.map { labelRule.label(forScore: $0.score) == .positive }
        let (trainRows, testRows) = testFraction > 0
            ? StratifiedSplit.trainTest(labels: labels, testFraction: testFraction, seed: seed)
            : (Array(labels.indices), [])
        let trainLabels = trainRows.map { labels[$0] }
        guard trainLabels.contains(true), trainLabels.contains(false) else {
            throw ValidationError("the training reviews must include both positive and negative ones")
        }
        guard trainRows.count >= folds * 2 else { throw ValidationError("too few reviews for \(folds)-fold cross-validation") }

        let configuration = TrainingConfiguration(
            kind: model == .auto ? nil : ModelKind(rawValue: model.rawValue), folds: folds, seed: seed,
            vectorizer: VectorizerParameters(hashBits: hashBits, ngramMax: ngrams, markNegation: negation,
                                             summaryWeight: summaryWeight, closingWeight: closingWeight),
            labelRule: labelRule, regularization: regularization!,
            naiveBayesInterpolation: naiveBayesInterpolation!, balanceClasses: balanced,
            tuneThreshold: tuneThreshold)
        let progress = ProgressBar()
        let outcome = SentimentTrainer(configuration: configuration)
            .train(trainRows.map { file.reviews[$0] }) { progress.update($0, $1) }
        progress.finish()
        let trainSeconds = Date().timeIntervalSince(started)

        let trainingData = TrainingDataInfo(sha256: file.sha256, source: URL(fileURLWithPath: data).lastPathComponent,
                                            reviews: trainRows.count, positives: trainLabels.filter { $0 }.count)
        var report = TrainingReport(seed: seed, folds: folds, testFraction: testFraction,
                                    crossValidation: outcome.crossValidation, winner: outcome.winner,
                                    threshold: outcome.threshold, thresholdAccuracy: outcome.thresholdAccuracy,
                                    heldOut: nil, trainSeconds: trainSeconds)
        var trained = SentimentModel(vectorizer: outcome.vectorizer, classifier: outcome.classifier,
                                     hyperparameters: outcome.winner, threshold: outcome.threshold, labelRule: labelRule,
                                     trainingData: trainingData,
                                     metrics: report)
        if !testRows.isEmpty {
            // Scored through the model's own predict path, exactly as the stream processor will use it.
            let probabilities = testRows.map { trained.predict(file.reviews[$0].text, summary: file.reviews[$0].summary).probability }
            report.heldOut = EvaluationReport(expected: testRows.map { labelRule.label(forScore: file.reviews[$0].score) },
                                              probabilities: probabilities, threshold: trained.threshold)
            trained = trained.with(metrics: report)
        }
        let encoded = try trained.encoded()
        do {
            try encoded.write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            throw ValidationError("cannot write \(out): \((error as NSError).localizedDescription)")
        }

        if json {
            var output = EvaluationOutput(command: "train", model: trained, report: report.heldOut, skippedLines: file.skippedLines)
            output.winner = outcome.winner
            output.crossValidation = outcome.crossValidation
            output.trainReviews = trainRows.count
            output.trainSeconds = trainSeconds
            output.modelFile = out
            try ReportFormatting.printJSON(output)
            return
        }
        var lines = [
            "\(file.reviews.count) reviews from \(data)" + (file.skippedLines > 0 ? " (\(file.skippedLines) malformed lines skipped)" : "")
                + "; \(trainRows.count) for training, \(testRows.count) held out (seed \(seed))",
            "",
            ReportFormatting.crossValidationTable(outcome.crossValidation, winner: outcome.winner, folds: folds),
            "",
            "winner: \(outcome.winner), refitted on \(trainRows.count) reviews; positive from P = "
                + String(format: "%.2f", outcome.threshold) + " (out-of-fold accuracy there "
                + ReportFormatting.percent(outcome.thresholdAccuracy) + ")",
        ]
        if let heldOut = report.heldOut {
            lines += ["", ReportFormatting.evaluation(heldOut, title: "held-out")]
        }
        lines += ["", "train time: \(String(format: "%.1f", trainSeconds)) s",
                  "model \(trained.version) written to \(out) (\(encoded.count / 1024) KiB)"]
        print(lines.joined(separator: "\n"))
    }
}
