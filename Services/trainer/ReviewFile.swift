import Foundation
import ReviewAnalysis

/// A McAuley-style JSON-lines review file (`{"reviewText", "overall", "summary"?, …}` per line), plain or gzip.
struct ReviewFile {
    var reviews: [LabeledReview]
    /// Malformed lines skipped under `--skip-invalid`.
    var skippedLines: Int
    /// SHA-256 of the file's bytes as stored (compressed, if it is gzip).
    var sha256: String

    /// Reads every review; a malformed line throws with its line number unless `skipInvalid` is set.
    init(path: String, skipInvalid: Bool) throws {
        let raw: Data
        do {
            raw = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DataFileError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        sha256 = SHA256Digest.hex(of: raw)
        let data = raw.starts(with: [0x1F, 0x8B]) ? try Self.gunzip(path: path) : raw
        reviews = []
        skippedLines = 0
        let decoder = JSONDecoder()
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            do {
                reviews.append(try Self.review(from: Data(line), decoder: decoder))
            } catch let reason as LineProblem {
                guard skipInvalid else { throw DataFileError.malformedLine(path: path, line: lineNumber, reason: reason.message) }
                skippedLines += 1
            }
        }
        if reviews.isEmpty { throw DataFileError.empty(path: path) }
    }

    private struct LineProblem: Error { var message: String }

    private struct McAuleyReview: Decodable {
        var reviewText: String
        var overall: Double
        var summary: String?
    }

    private static func review(from line: Data, decoder: JSONDecoder) throws -> LabeledReview {
        let review: McAuleyReview
        do {
            review = try decoder.decode(McAuleyReview.self, from: line)
        } catch DecodingError.keyNotFound(let key, _) {
            throw LineProblem(message: "missing field \"\(key.stringValue)\"")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let field = context.codingPath.first?.stringValue ?? "value"
            throw LineProblem(message: "field \"\(field)\" has the wrong type (reviewText must be a string, overall a number)")
        } catch {
            throw LineProblem(message: "not a JSON object")
        }
        guard review.overall.isFinite else { throw LineProblem(message: "overall is not a finite number") }
        guard !review.reviewText.allSatisfy(\.isWhitespace) else { throw LineProblem(message: "reviewText is empty") }
        return LabeledReview(text: review.reviewText, summary: review.summary ?? "", score: review.overall)
    }

    /// Foundation has no inflate on Linux, so gzip files go through the system's `gzip`.
    private static func gunzip(path: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", "--", path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw DataFileError.unreadable(path: path, reason: "it is gzip-compressed and gzip could not be run (\(error))")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw DataFileError.unreadable(path: path, reason: "gzip failed: \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return data
    }
}
