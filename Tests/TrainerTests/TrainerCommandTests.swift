import Foundation
import ReviewAnalysis
import Testing

@Suite(.serialized)
struct TrainerCommandTests {
    struct Output: Decodable {
        var command: String
        var modelVersion: String
        var n: Int
        var accuracy: Double?
        var auc: Double?
        var skippedLines: Int
        var winner: GridCell?
        var reviewsPerSecond: Double?
        var negative: ClassMetrics?
    }

    func decode(_ json: String) throws -> Output {
        try JSONDecoder().decode(Output.self, from: Data(json.utf8))
    }

    @Test func malformedDataLineFailsWithItsLineNumber() throws {
        var lines = try TrainerProcess.fixtureLines(30)
        lines[16] = #"{"reviewText": "no score here"}"#
        let data = try TrainerProcess.temporaryFile("bad.jsonl", contents: lines.joined(separator: "\n"))
        let model = try TrainerProcess.temporaryFile("model.json")
        let result = try TrainerProcess.run(["--data", data.path, "--out", model.path, "--model", "linear", "--folds", "2"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(data.path):17: missing field \"overall\""), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: model.path))

        lines[16] = "{not json"
        try Data(lines.joined(separator: "\n").utf8).write(to: data)
        let evaluate = try TrainerProcess.run(["evaluate", "--model", model.path, "--data", data.path])
        #expect(evaluate.status != 0)
    }

    @Test func skipInvalidCountsSkippedLinesAndTrainsOnTheRest() throws {
        var lines = try TrainerProcess.fixtureLines(400)
        lines[3] = "{not json"
        lines[10] = #"{"reviewText": "", "overall": 5}"#
        lines[20] = #"{"reviewText": "fine", "overall": "five"}"#
        let data = try TrainerProcess.temporaryFile("skip.jsonl", contents: lines.joined(separator: "\n") + "\n\n")
        let model = try TrainerProcess.temporaryFile("model.json")
        let result = try TrainerProcess.run(["--data", data.path, "--out", model.path, "--model", "linear", "--folds", "2",
                                             "--c-grid", "10", "--skip-invalid", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try decode(result.stdout)
        #expect(output.skippedLines == 3)
        // 397 valid reviews, a stratified fifth of them held out.
        #expect((79...80).contains(output.n))
    }

    @Test func trainWritesAModelThatEvaluateScoresAndGzipInputWorks() throws {
        let model = try TrainerProcess.temporaryFile("model.json")
        let trained = try TrainerProcess.run(["--data", TrainerProcess.fixture.path, "--out", model.path, "--model", "linear",
                                              "--folds", "2", "--json"])
        #expect(trained.status == 0, "\(trained.stderr)")
        let training = try decode(trained.stdout)
        #expect(training.command == "train" && training.n == 400)
        #expect((training.accuracy ?? 0) > 0.85 && (training.auc ?? 0) > 0.9)
        #expect(training.winner?.kind == .linear)
        // stdout is exactly one JSON object: progress never goes there.
        #expect(trained.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)

        let loaded = try SentimentModel(contentsOf: model)
        #expect(loaded.version == training.modelVersion)
        #expect(try loaded.encoded() == Data(contentsOf: model))

        let gzipped = try TrainerProcess.temporaryFile("reviews.jsonl.gz")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["sh", "-c", "gzip -c \"$0\" > \"$1\"", TrainerProcess.fixture.path, gzipped.path]
        try gzip.run()
        gzip.waitUntilExit()
        let evaluated = try TrainerProcess.run(["evaluate", "--model", model.path, "--data", gzipped.path, "--json"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let evaluation = try decode(evaluated.stdout)
        #expect(evaluation.command == "evaluate" && evaluation.n == 2000)
        #expect(evaluation.modelVersion == training.modelVersion)
        #expect((evaluation.reviewsPerSecond ?? 0) > 0 && (evaluation.negative?.support ?? 0) > 0)

        let table = try TrainerProcess.run(["evaluate", "--model", model.path, "--data", TrainerProcess.fixture.path])
        #expect(table.status == 0 && table.stdout.contains("expected \\ predicted"))
    }

    @Test func corruptOrWrongVersionModelFileFailsWithAClearMessage() throws {
        let corrupt = try TrainerProcess.temporaryFile("corrupt.json", contents: "{\"format\": \"review-sentiment-model\", \"formatVersion\": 1, ")
        let result = try TrainerProcess.run(["evaluate", "--model", corrupt.path, "--data", TrainerProcess.fixture.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("corrupt model file"), "\(result.stderr)")

        let future = try TrainerProcess.temporaryFile("future.json", contents: #"{"format": "review-sentiment-model", "formatVersion": 7}"#)
        let old = try TrainerProcess.run(["evaluate", "--model", future.path, "--data", TrainerProcess.fixture.path])
        #expect(old.status != 0)
        #expect(old.stderr.contains("format version 7 is not supported"), "\(old.stderr)")
    }
}
