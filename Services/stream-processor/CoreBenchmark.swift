import Foundation
import Kafka
import ReviewAnalysis
import ReviewContracts

/// Times ``MicroBatch`` — the processor's whole per-message analysis — on one core, for `scripts/bench-pipeline`.
struct CoreBenchmark {
    let reviewsFile: String
    let modelFile: String
    let batchSize: Int
    var passes = 5

    func run() throws {
        let model = try SentimentModel(contentsOf: URL(fileURLWithPath: modelFile))
        let lines = try String(contentsOfFile: reviewsFile, encoding: .utf8).split(separator: "\n")
        // The v1 message each review would be on the topic.
        let messages: [KafkaConsumerMessage] = try lines.enumerated().map { index, line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            let value = ReviewMessage(id: String(index), reviewText: object["reviewText"] as? String ?? "", overall: (object["overall"] as? NSNumber)?.doubleValue ?? 0).encoded()
            return KafkaConsumerMessage(topic: "bench", partition: 0, offset: Int64(index), key: nil, value: value, headers: [], timestamp: nil)
        }
        let validator = ReviewValidator(), rule = LabelRule()
        var counted = 0, seconds = Double.infinity
        let clock = ContinuousClock()
        // The fastest of several passes, as the reference reports it, so a busy moment of the machine does not count.
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
