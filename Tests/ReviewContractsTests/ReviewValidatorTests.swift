import Foundation
import ReviewContracts
import Testing

@Suite struct ReviewValidatorTests {
    let validator = ReviewValidator()

    func submit(_ json: String) -> Result<ReviewValidator.Submission, ReviewRejection> {
        validator.submission(from: Array(json.utf8))
    }

    @Test func acceptsTheSeedShapeAndTheOptionalV1Fields() throws {
        let plain = try submit(#"{"reviewText": "Nice", "overall": 4}"#).get()
        #expect(plain == .init(reviewText: "Nice", overall: 4, itemId: nil, summary: nil))
        let full = try submit(#"{"reviewText": "Nice", "overall": 4.0, "itemId": "1078", "summary": "ok"}"#).get()
        #expect(full.itemId == "1078")
        #expect(full.summary == "ok")
        // McAuley files carry the item as a numeric `asin`.
        #expect(try submit(#"{"reviewText": "Nice", "overall": 5, "asin": 767}"#).get().itemId == "767")
    }

    @Test(arguments: [
        ("", ReviewRejection.invalidJSON("")),
        ("{", .invalidJSON("")),
        ("\"text\"", .notAnObject),
        (#"{"overall": 3}"#, .missingField("reviewText")),
        (#"{"reviewText": null, "overall": 3}"#, .missingField("reviewText")),
        (#"{"reviewText": "x"}"#, .missingField("overall")),
        (#"{"reviewText": 7, "overall": 3}"#, .wrongType(field: "reviewText", expected: "a string")),
        (#"{"reviewText": "x", "overall": true}"#, .wrongType(field: "overall", expected: "a number")),
        (#"{"reviewText": "x", "overall": "4"}"#, .wrongType(field: "overall", expected: "a number")),
        (#"{"reviewText": " \n\t", "overall": 3}"#, .emptyText),
        (#"{"reviewText": "x", "overall": 0.5}"#, .scoreOutOfRange(0.5)),
        (#"{"reviewText": "x", "overall": 9}"#, .scoreOutOfRange(9)),
        (#"{"reviewText": "x", "overall": 3, "summary": 1}"#, .wrongType(field: "summary", expected: "a string")),
    ])
    func rejectsBrokenBodiesWithTheReason(json: String, expected: ReviewRejection) {
        guard case .failure(let rejection) = submit(json) else {
            Issue.record("accepted \(json)")
            return
        }
        #expect(rejection.reason == expected.reason)
        if case .invalidJSON = expected { return }
        #expect(rejection == expected)
    }

    @Test func rejectsInvalidUTF8AndOverlongText() {
        guard case .failure(.invalidUTF8) = validator.submission(from: [0x7B, 0xFF, 0x7D]) else {
            Issue.record("invalid UTF-8 accepted")
            return
        }
        let long = String(repeating: "é", count: 40_000)  // 80,000 bytes
        guard case .failure(.textTooLong(let bytes, _)) = submit(#"{"reviewText": "\#(long)", "overall": 3}"#) else {
            Issue.record("overlong text accepted")
            return
        }
        #expect(bytes == 80_000)
    }

    @Test func kafkaMessagesKeepTheirIDOrGetTheFallback() throws {
        let v1 = try validator.message(
            from: Array(#"{"id": "abc", "reviewText": "Soft", "overall": 5, "submittedAt": "2026-11-22T08:00:00Z"}"#.utf8),
            fallbackID: "reviews/0/7"
        ).get()
        #expect(v1.id == "abc")
        #expect(v1.submittedAt == Date(timeIntervalSince1970: 1_795_334_400))
        let bare = try validator.message(from: Array(#"{"reviewText": "Soft", "overall": 5}"#.utf8), fallbackID: "reviews/0/7").get()
        #expect(bare.id == "reviews/0/7")
        #expect(bare.submittedAt == nil)
    }

    @Test func encodedMessagesValidateBackToThemselves() throws {
        let message = ReviewMessage(id: "r1", reviewText: "Runs “small” — size up", overall: 2, itemId: "9", summary: "Small")
        let decoded = try validator.message(from: message.encoded(), fallbackID: "unused").get()
        #expect(decoded == message)
    }
}
