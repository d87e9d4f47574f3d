import Foundation
import Testing
@testable import Mongo

@Suite("BSON values")
struct BSONValueTests {
    @Test func literalsMapToTheirNaturalCases() {
        let string: BSON = "x"
        let integer: BSON = 1
        let double: BSON = 1.5
        let flag: BSON = true
        let array: BSON = [1, "two"]
        let document: BSON = ["k": 1]
        let null: BSON = nil
        #expect(string == .string("x"))
        #expect(integer == .int64(1))
        #expect(double == .double(1.5))
        #expect(flag == .bool(true))
        #expect(array == .array([.int64(1), .string("two")]))
        #expect(document == .document(["k": .int64(1)]))
        #expect(null == .null)
    }

    @Test func accessorsConvertBetweenNumericCases() {
        #expect(BSON.int32(7).intValue == 7)
        #expect(BSON.int64(-7).intValue == -7)
        #expect(BSON.double(3.0).intValue == 3)
        #expect(BSON.double(3.5).intValue == nil)
        #expect(BSON.int32(2).doubleValue == 2.0)
        #expect(BSON.string("2").intValue == nil)
        #expect(BSON.string("a").stringValue == "a")
        #expect(BSON.bool(false).boolValue == false)
        #expect(BSON.array([1]).arrayValue == [1])
        #expect(BSON.document(["a": 1]).documentValue == ["a": 1])
    }

    @Test func documentKeepsInsertionOrderAndReplacesInPlace() {
        var document: BSONDocument = ["b": 1, "a": 2]
        document["c"] = 3
        document["b"] = "replaced"
        #expect(document.keys == ["b", "a", "c"])
        #expect(document["b"] == "replaced")
        document["a"] = nil
        #expect(document.keys == ["b", "c"])
        #expect(document.count == 2)
        #expect(document.map(\.key) == ["b", "c"])
        #expect(document["missing"] == nil)
        // Order matters for MongoDB (sort and index specifications), so it matters for equality too.
        #expect(BSONDocument(dictionaryLiteral: ("x", 1), ("y", 2)) != ["y": 2, "x": 1])
    }

    @Test func everyTypeSurvivesARoundTripThroughLibbson() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000.123)
        let original: BSONDocument = [
            "double": 3.25,
            "negativeZero": .double(-0.0),
            "infinity": .double(.infinity),
            "string": "plain",
            "unicode": "héllo wörld — 日本語 🚀 \u{0}after-nul",
            "emptyString": "",
            "bool": false,
            "null": nil,
            "int32Min": .int32(.min),
            "int32Max": .int32(.max),
            "int64Min": .int64(.min),
            "int64Max": .int64(.max),
            "date": .date(date),
            "epoch": .date(Date(timeIntervalSince1970: 0)),
            "beforeEpoch": .date(Date(timeIntervalSince1970: -86_400.5)),
            "objectId": .objectId("65a1b2c3d4e5f60718293a4b"),
            "array": [1, "two", 3.0, [4, [5]], ["nested": true], nil],
            "emptyArray": [],
            "document": ["inner": ["deeper": ["deepest": "yes"]], "list": [["a": 1], ["b": 2]]],
            "emptyDocument": .document([:]),
            "ключ 🔑": "unicode key",
        ]
        let copy = try original.roundTrippedThroughLibBSON()
        #expect(copy == original)
        #expect(copy.keys == original.keys)
        #expect(copy["date"]?.dateValue == date)
    }

    @Test func invalidObjectIdIsAUserError() {
        let document: BSONDocument = ["_id": .objectId("not-hex")]
        #expect {
            _ = try document.roundTrippedThroughLibBSON()
        } throws: { error in
            guard case .user = error as? MongoError else { return false }
            return true
        }
    }

    @Test func newObjectIdsAreDistinct24CharacterHex() {
        let first = BSON.newObjectId().objectIdValue ?? ""
        let second = BSON.newObjectId().objectIdValue ?? ""
        #expect(first.count == 24)
        #expect(first.allSatisfy { $0.isHexDigit })
        #expect(first != second)
    }

    @Test func extendedJSONIsRelaxedAndEscaped() {
        let document: BSONDocument = [
            "n": 1, "d": 2.5, "whole": 2.0, "s": "a\"b\n", "t": true, "z": nil,
            "at": .date(Date(timeIntervalSince1970: 1.5)),
            "id": .objectId("65a1b2c3d4e5f60718293a4b"),
            "list": [.int32(1), "x"],
        ]
        #expect(
            document.extendedJSON()
                == #"{"n":1,"d":2.5,"whole":2.0,"s":"a\"b\n","t":true,"z":null,"#
                + #""at":{"$date":"1970-01-01T00:00:01.500Z"},"id":{"$oid":"65a1b2c3d4e5f60718293a4b"},"list":[1,"x"]}"#)
    }

    @Test func documentsAreCodableAsPlainJSON() throws {
        let document: BSONDocument = ["word": "good", "count": 3, "ratio": 0.5, "tags": ["a"], "none": nil]
        let json = try JSONEncoder().encode(document)
        let decoded = try JSONDecoder().decode(BSONDocument.self, from: json)
        #expect(decoded["word"] == "good")
        #expect(decoded["count"]?.intValue == 3)
        #expect(decoded["ratio"]?.doubleValue == 0.5)
        #expect(decoded["tags"] == ["a"])
        #expect(decoded["none"] == .null)
    }
}
