import Foundation
import Testing
@testable import Trainer

struct ReviewFileTests {
    @Test func readsMcAuleyLinesWithOptionalSummaryAndIgnoresBlankLines() throws {
        let file = try TrainerProcess.temporaryFile("reviews.jsonl", contents: """
        {"reviewText": "Love it", "overall": 5.0, "summary": "Great", "asin": "767"}

        {"reviewText": "Too small", "overall": 2, "reviewerID": "A1"}
        """)
        let reviews = try ReviewFile(path: file.path, skipInvalid: false)
        #expect(reviews.reviews.map(\.text) == ["Love it", "Too small"])
        #expect(reviews.reviews.map(\.summary) == ["Great", ""])
        #expect(reviews.reviews.map(\.score) == [5, 2])
        #expect(reviews.skippedLines == 0)
    }

    @Test func trainingDataHashIsTheFileSHA256() throws {
        // "abc" is not a review file.
        let bad = try TrainerProcess.temporaryFile("hash.jsonl", contents: "abc")
        #expect(throws: DataFileError.self) { try ReviewFile(path: bad.path, skipInvalid: false) }
        let line = #"{"reviewText": "Love it", "overall": 5}"#
        let file = try TrainerProcess.temporaryFile("one.jsonl", contents: line)
        let expected = Self.sha256sum(file)
        #expect(expected.count == 64)
        #expect(try ReviewFile(path: file.path, skipInvalid: false).sha256 == expected)
    }

    @Test func aGzipFileReadsLikeThePlainOneAndIsHashedAsStored() throws {
        let plain = try TrainerProcess.temporaryFile("gz.jsonl", contents: """
        {"reviewText": "Love it", "overall": 5.0, "summary": "Great"}
        {"reviewText": "Too small", "overall": 2}
        """)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-kf", "--", plain.path]
        try gzip.run()
        gzip.waitUntilExit()
        let compressed = URL(fileURLWithPath: plain.path + ".gz")
        let read = try ReviewFile(path: compressed.path, skipInvalid: false)
        #expect(read.reviews.map(\.text) == ["Love it", "Too small"])
        #expect(read.sha256 == Self.sha256sum(compressed))
        #expect(read.sha256 != (try ReviewFile(path: plain.path, skipInvalid: false)).sha256)
        // Bytes that start like gzip but are not: a clear error, not a crash.
        let broken = try TrainerProcess.temporaryFile("broken.jsonl.gz")
        try Data([0x1F, 0x8B] + Array("not gzip at all".utf8)).write(to: broken)
        #expect(throws: DataFileError.self) { try ReviewFile(path: broken.path, skipInvalid: false) }
    }

    /// The digest `sha256sum` (coreutils) prints for the file.
    static func sha256sum(_ file: URL) -> String {
        let process = Process(), output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", "--", file.path]
        process.standardOutput = output
        try? process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix(64))
    }

    @Test func missingFileIsReportedByPath() {
        #expect(throws: DataFileError.self) { try ReviewFile(path: "/nonexistent/reviews.jsonl", skipInvalid: true) }
    }
}
