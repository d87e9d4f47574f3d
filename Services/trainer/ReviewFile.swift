import CompressNIO
import Crypto
import Foundation
import NIOCore
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
        sha256 = SHA256.hash(data: raw).map { String(format: "%02x", $0) }.joined()
        let data = raw.starts(with: [0x1F, 0x8B]) ? try Self.gunzip(raw, path: path) : raw
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

    /// Foundation has no inflate on Linux: zlib through CompressNIO.
    private static func gunzip(_ compressed: Data, path: String) throws -> Data {
        var buffer = ByteBuffer(bytes: compressed)
        do {
            var plain = try buffer.decompress(with: .gzip())
            return Data(plain.readBytes(length: plain.readableBytes) ?? [])
        } catch {
            throw DataFileError.unreadable(path: path, reason: "it starts like gzip but does not decompress (\(error))")
        }
    }
}
