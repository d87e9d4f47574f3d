import Foundation
import ReviewContracts
import Testing

struct ModelActivationTests {
    static func model(_ id: String, created: TimeInterval, activated: TimeInterval?) -> StoredModel {
        StoredModel(id: id, file: nil, createdAt: Date(timeIntervalSince1970: created),
                    publishedAt: Date(timeIntervalSince1970: created), activatedAt: activated.map(Date.init(timeIntervalSince1970:)))
    }

    /// A document as a trainer from before activation wrote it: no `activatedAt` field at all.
    static func legacy(_ id: String, created: TimeInterval) throws -> StoredModel {
        let json = #"{"_id":"\#(id)","createdAt":\#(created),"publishedAt":\#(created),"file":"{}"}"#
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(StoredModel.self, from: Data(json.utf8))
    }

    @Test func theModelActivatedLastIsActiveEvenWhenANewerOneExists() {
        let models = [Self.model("old", created: 100, activated: 300), Self.model("new", created: 200, activated: 250)]
        #expect(ModelActivation.active(in: models)?.id == "old")
    }

    @Test func aModelPublishedWithoutActivationIsNeverChosen() {
        let models = [Self.model("live", created: 100, activated: 100), Self.model("candidate", created: 200, activated: nil)]
        #expect(ModelActivation.active(in: models)?.id == "live")
        #expect(ModelActivation.active(in: [Self.model("candidate", created: 200, activated: nil)]) == nil)
        #expect(ModelActivation.active(in: []) == nil)
    }

    @Test func documentsFromBeforeActivationServeNewestFirstUntilOneIsActivated() throws {
        let older = try Self.legacy("a", created: 100), newer = try Self.legacy("b", created: 200)
        #expect(older.isFromBeforeActivation && older.activatedAt == nil)
        #expect(ModelActivation.active(in: [older, newer])?.id == "b")
        #expect(ModelActivation.active(in: [older, newer, Self.model("c", created: 300, activated: nil)])?.id == "b")
        #expect(ModelActivation.active(in: [older, newer, Self.model("d", created: 50, activated: 400)])?.id == "d")
    }

    @Test func aModelNeverActivatedIsStoredWithANullActivationTime() throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let encoded = try JSONSerialization.jsonObject(with: try encoder.encode(Self.model("x", created: 1, activated: nil))) as? [String: Any]
        #expect(encoded?["activatedAt"] is NSNull)
        #expect(encoded?["_id"] as? String == "x")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        let decoded = try decoder.decode(StoredModel.self, from: try encoder.encode(Self.model("x", created: 1, activated: nil)))
        #expect(!decoded.isFromBeforeActivation && decoded.activatedAt == nil)
    }
}
