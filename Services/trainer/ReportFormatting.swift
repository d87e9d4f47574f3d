import Foundation
import ReviewAnalysis

/// The trainer's human-readable output.
enum ReportFormatting {
    static func percent(_ value: Double) -> String { String(format: "%.2f %%", value * 100) }
    static func decimal(_ value: Double) -> String { String(format: "%.4f", value) }

    static func crossValidationTable(_ results: [CrossValidationResult], winner: GridCell, folds: Int) -> String {
        var table = TextTable("grid cell (\(folds)-fold CV)", "accuracy", "± sd", "AUC", "")
        for result in results {
            table.add(result.cell.description, percent(result.accuracy), percent(result.accuracyDeviation),
                      decimal(result.auc), result.cell == winner ? "← winner" : "")
        }
        return table.render()
    }

    static func evaluation(_ report: EvaluationReport, title: String) -> String {
        var lines = ["\(title): \(report.n) reviews, accuracy \(percent(report.accuracy)), AUC \(decimal(report.auc))", ""]
        var classes = TextTable("class", "precision", "recall", "F1", "support")
        for (name, metrics) in [("pos", report.positive), ("neg", report.negative)] {
            classes.add(name, decimal(metrics.precision), decimal(metrics.recall), decimal(metrics.f1), String(metrics.support))
        }
        lines.append(classes.render())
        lines.append("")
        var confusion = TextTable("expected \\ predicted", "pos", "neg")
        confusion.add("pos", String(report.confusion.truePositive), String(report.confusion.falseNegative))
        confusion.add("neg", String(report.confusion.falsePositive), String(report.confusion.trueNegative))
        lines.append(confusion.render())
        return lines.joined(separator: "\n")
    }

    /// One JSON object on stdout, keys sorted.
    static func printJSON<Value: Encodable>(_ value: Value) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
