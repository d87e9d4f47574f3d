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
        let file = try TrainerProcess.temporaryFile("hash.jsonl", contents: "abc")
        #expect(SHA256Digest.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let twoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(SHA256Digest.hex(of: Array(twoBlocks.utf8)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256Digest.hex(of: [UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(throws: DataFileError.self) { try ReviewFile(path: file.path, skipInvalid: false) }
    }

    @Test func missingFileIsReportedByPath() {
        #expect(throws: DataFileError.self) { try ReviewFile(path: "/nonexistent/reviews.jsonl", skipInvalid: true) }
    }
}
