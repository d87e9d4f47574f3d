import ArgumentParser
import Foundation
import Kafka
import ReviewAnalysis
import ReviewContracts
import StreamCore

/// Times ``MicroBatch`` — the stream processor's whole per-message analysis (parse, validate, tokenize, count,
/// predict) — on one core, as `scripts/bench/pipeline` runs it beside the reference. Not part of any service.
@main
struct ProcessorCoreBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "processor-core-bench",
        abstract: "Measure the stream processor's analysis core on a JSON-lines review file and print reviews/s as JSON."
    )

    @Option(help: "JSON-lines reviews ({\"reviewText\", \"overall\", …}), each made into the message the topic would carry.")
    var reviews: String
    @Option(help: "Model file the processor would predict with.")
    var modelPath: String
    @Option(help: "Messages per batch, as the processor's --batch-size.")
    var batchSize = 500
    @Option(help: "Timed passes over the file; the fastest is reported, so a busy moment of the machine does not count.")
    var passes = 5

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        guard passes > 0 else { throw ValidationError("--passes must be positive") }
    }

    func run() throws {
        let model: SentimentModel
        let lines: [Substring]
        do {
            model = try SentimentModel(contentsOf: URL(fileURLWithPath: modelPath))
        } catch {
            throw ValidationError("cannot read the model \(modelPath): \(error.localizedDescription)")
        }
        do {
            lines = try String(contentsOfFile: reviews, encoding: .utf8).split(separator: "\n")
        } catch {
            throw ValidationError("cannot read \(reviews): \(error.localizedDescription)")
        }
        // The v1 message each review would be on the topic.
        let messages: [KafkaConsumerMessage] = try lines.enumerated().map { index, line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw ValidationError("\(reviews):\(index + 1): not a JSON object")
            }
            let value = ReviewMessage(id: String(index), reviewText: object["reviewText"] as? String ?? "", overall: (object["overall"] as? NSNumber)?.doubleValue ?? 0).encoded()
            return KafkaConsumerMessage(topic: "bench", partition: 0, offset: Int64(index), key: nil, value: value, headers: [], timestamp: nil)
        }
        let validator = ReviewValidator(), rule = LabelRule()
        var counted = 0, seconds = Double.infinity
        let clock = ContinuousClock()
        for _ in 0..<passes {
            counted = 0
            let elapsed = clock.measure {
                for start in stride(from: 0, to: messages.count, by: batchSize) {
                    let batch = MicroBatch(messages: Array(messages[start..<min(start + batchSize, messages.count)]),
                                           model: model, validator: validator, labelRule: rule)
                    counted += batch.wordCounts.count > 0 ? batch.reviews.count : 0
                }
            }
            seconds = min(seconds, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        print(#"{"reviews": \#(messages.count), "counted": \#(counted), "passes": \#(passes), "seconds": \#(seconds), "reviewsPerSecond": \#(Double(messages.count) / seconds)}"#)
    }
}
