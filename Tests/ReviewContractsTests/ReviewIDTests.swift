import ReviewContracts
import Testing

@Suite("review ids from idempotency keys")
struct ReviewIDTests {
    @Test func theSameKeyGivesTheSameIDAndOtherKeysOrAuthorsDoNot() {
        let id = ReviewID.derived(fromKey: "order-1")
        #expect(id == ReviewID.derived(fromKey: "order-1"))
        #expect(id != ReviewID.derived(fromKey: "order-2"))
        #expect(id != ReviewID.derived(fromKey: "order-1", author: "ada"))
        #expect(ReviewID.derived(fromKey: "order-1", author: "ada") != ReviewID.derived(fromKey: "order-1", author: "bob"))
    }

    @Test func theIDIsShapedLikeAUUID() {
        let id = ReviewID.derived(fromKey: "order-1")
        #expect(id.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        #expect(id.allSatisfy { $0 == "-" || $0.isHexDigit && !$0.isUppercase })
        #expect(Array(id)[14] == "8")
    }

    @Test func keysArePrintableASCIIUpTo200Characters() {
        #expect(ReviewID.isValidKey("a"))
        #expect(ReviewID.isValidKey(String(repeating: "x", count: 200)))
        #expect(!ReviewID.isValidKey(""))
        #expect(!ReviewID.isValidKey(String(repeating: "x", count: 201)))
        #expect(!ReviewID.isValidKey("two words"))
        #expect(!ReviewID.isValidKey("naïve"))
    }

    @Test func aClientChosenIDInTheBodyIsReadAndChecked() throws {
        let validator = ReviewValidator()
        let ok = try validator.submission(from: Array(#"{"reviewText": "fine", "overall": 4, "id": "k-1"}"#.utf8)).get()
        #expect(ok.clientID == "k-1")
        let none = try validator.submission(from: Array(#"{"reviewText": "fine", "overall": 4}"#.utf8)).get()
        #expect(none.clientID == nil)
        #expect(throws: ReviewRejection.self) { try validator.submission(from: Array(#"{"reviewText": "fine", "overall": 4, "id": "a b"}"#.utf8)).get() }
    }
}
