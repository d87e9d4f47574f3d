import Foundation
import Testing
@testable import Mongo

@Suite("BSONEncoder and BSONDecoder")
struct BSONCodableTests {
    enum Sentiment: String, Codable, Equatable {
        case positive = "pos", negative = "neg"
    }

    struct Author: Codable, Equatable {
        var name: String
        var reviews: Int
    }

    struct Review: Codable, Equatable {
        var id: String
        var text: String
        var score: Int
        var smallScore: Int32
        var hugeCount: Int64
        var tinyCount: Int64
        var unsignedCount: UInt32
        var probability: Double
        var weight: Float
        var verified: Bool
        var submittedAt: Date
        var tags: [String]
        var scoresByWord: [String: Int]
        var author: Author
        var coAuthors: [Author]
        var summary: String?
        var itemId: String?
        var sentiment: Sentiment
        var matrix: [[Int]]
        var raw: BSON
        var extra: BSONDocument
    }

    static let sample = Review(
        id: "r-1", text: "Très bien — 好き 👍", score: 5, smallScore: .min, hugeCount: .max, tinyCount: .min,
        unsignedCount: .max, probability: 0.875, weight: 0.5, verified: true,
        submittedAt: Date(timeIntervalSince1970: 1_700_000_000.25), tags: ["fit", "color"],
        scoresByWord: ["good": 3], author: Author(name: "Ann", reviews: 12),
        coAuthors: [Author(name: "Bo", reviews: 1)], summary: "Nice", itemId: nil, sentiment: .positive,
        matrix: [[1, 2], [], [3]], raw: ["any": [1, "thing"]], extra: ["k": .objectId("65a1b2c3d4e5f60718293a4b")])

    @Test func aStructRoundTripsThroughBSONAndLibbson() throws {
        let document = try BSONEncoder().encode(Self.sample)
        let decoded = try BSONDecoder().decode(Review.self, from: try document.roundTrippedThroughLibBSON())
        #expect(decoded == Self.sample)
    }

    @Test func encodedFieldsUseTheDocumentedBSONTypes() throws {
        let document = try BSONEncoder().encode(Self.sample)
        #expect(document["score"] == .int64(5))
        #expect(document["smallScore"] == .int32(.min))
        #expect(document["hugeCount"] == .int64(.max))
        #expect(document["unsignedCount"] == .int64(Int64(UInt32.max)))
        #expect(document["probability"] == .double(0.875))
        #expect(document["submittedAt"] == .date(Date(timeIntervalSince1970: 1_700_000_000.25)))
        #expect(document["sentiment"] == "pos")
        #expect(document["author"] == ["name": "Ann", "reviews": .int64(12)])
        #expect(document["itemId"] == nil, "nil optionals are omitted")
        #expect(document["raw"] == ["any": [1, "thing"]])
        #expect(document.keys.first == "id", "keys follow declaration order")
    }

    @Test func numericFieldsDecodeFromAnyNumericBSON() throws {
        struct Numbers: Decodable {
            var a: Int
            var b: Double
            var c: Int64
            var d: Float
            var e: Int32
        }
        let numbers = try BSONDecoder().decode(
            Numbers.self, from: ["a": .double(4.0), "b": .int32(2), "c": .int32(-9), "d": .int64(3), "e": .int64(12)])
        #expect(numbers.a == 4)
        #expect(numbers.b == 2.0)
        #expect(numbers.c == -9)
        #expect(numbers.d == 3)
        #expect(numbers.e == 12)
    }

    @Test func anObjectIdDecodesIntoAString() throws {
        struct Keyed: Decodable { var _id: String }
        let keyed = try BSONDecoder().decode(Keyed.self, from: ["_id": .objectId("65a1b2c3d4e5f60718293a4b")])
        #expect(keyed._id == "65a1b2c3d4e5f60718293a4b")
    }

    @Test func mismatchesAreUserErrorsNamingTheField() {
        struct Counted: Decodable { var count: Int }
        for document: BSONDocument in [["count": "three"], ["count": .double(2.5)], [:], ["count": nil]] {
            #expect {
                _ = try BSONDecoder().decode(Counted.self, from: document)
            } throws: { error in
                guard case .user(let message) = error as? MongoError else { return false }
                return message.contains("count")
            }
        }
    }

    @Test func aTopLevelScalarIsRejectedAsADocument() {
        #expect(throws: MongoError.self) { _ = try BSONEncoder().encode([1, 2, 3]) }
    }

    @Test func unsignedValuesBeyondInt64AreRejected() {
        struct Big: Encodable { var value: UInt64 }
        #expect(throws: MongoError.self) { _ = try BSONEncoder().encode(Big(value: .max)) }
    }
}
