import ArgumentParser
import Foundation
import ReviewAnalysis

/// `trainer evaluate`: scores a model file on any labelled review file.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a model file on a labelled review file (accuracy, AUC, per-class metrics, prediction speed)."
    )

    @Option(help: "Model file written by `trainer`.")
    var model: String
    @Option(help: "Labelled reviews: McAuley-style JSON lines, plain or gzip.")
    var data: String
    @Flag(help: "Predict from the review text alone, ignoring titles (as a caller without titles would).")
    var textOnly = false
    @Flag(help: "Skip malformed lines (and count them) instead of failing on the first one.")
    var skipInvalid = false
    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    func run() throws {
        let loaded: SentimentModel
        do {
            loaded = try SentimentModel(contentsOf: URL(fileURLWithPath: model))
        } catch let error as ModelFileError {
            throw ValidationError("\(model): \(error)")
        } catch {
            throw ValidationError("cannot read \(model): \((error as NSError).localizedDescription)")
        }
        let file = try ReviewFile(path: data, skipInvalid: skipInvalid)
        let started = DispatchTime.now().uptimeNanoseconds
        let probabilities = file.reviews.map { review in
            (textOnly ? loaded.predict(review.text) : loaded.predict(review.text, summary: review.summary)).probability
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let report = EvaluationReport(expected: file.reviews.map { loaded.labelRule.label(forScore: $0.score) },
                                      probabilities: probabilities, threshold: loaded.threshold)
        let throughput = Double(file.reviews.count) / max(seconds, 1e-9)
        if json {
            var output = EvaluationOutput(command: "evaluate", model: loaded, report: report, skippedLines: file.skippedLines)
            output.reviewsPerSecond = throughput
            try ReportFormatting.printJSON(output)
            return
        }
        print("""
        model \(loaded.version) (\(loaded.kind.rawValue), \(loaded.metrics.winner)) on \(data)\
        \(file.skippedLines > 0 ? " (\(file.skippedLines) malformed lines skipped)" : "")\(textOnly ? ", text only" : "")

        \(ReportFormatting.evaluation(report, title: "evaluation"))

        prediction: \(String(format: "%.0f", throughput)) reviews/s (one review per call, one thread)
        """)
    }
}
