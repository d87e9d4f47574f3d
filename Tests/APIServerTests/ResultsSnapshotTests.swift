import Foundation
import Testing

@testable import APIServer

@Suite("live results: what changed between two reads")
struct ResultsSnapshotTests {
    func prediction(_ id: String) -> PredictionEntry {
        PredictionEntry(_id: id, review: "text \(id)", expected: "pos", result: "pos", probability: 0.9, modelVersion: "m1", processedAt: nil)
    }

    func names(_ events: [ServerSentEvent]) -> [String] { events.map(\.name) }

    func json(_ event: ServerSentEvent) throws -> Any { try JSONSerialization.jsonObject(with: event.data) }

    @Test func nothingChangedSendsNothing() {
        var snapshot = ResultsSnapshot()
        snapshot.words = [WordCountEntry(_id: "dress", value: "dress", count: 3)]
        #expect(snapshot.events(since: snapshot).isEmpty)
    }

    @Test func onlyChangedWordsNewPredictionsAndNewPointsAreSent() throws {
        var old = ResultsSnapshot()
        old.words = [WordCountEntry(_id: "dress", value: "dress", count: 3), WordCountEntry(_id: "soft", value: "soft", count: 2)]
        old.predictions = [prediction("b"), prediction("a")]
        old.accuracy = [AccuracyPoint(_id: 20, value: 0.8), AccuracyPoint(_id: 10, value: 0.7)]
        var new = old
        new.words = [WordCountEntry(_id: "dress", value: "dress", count: 5), WordCountEntry(_id: "soft", value: "soft", count: 2),
                     WordCountEntry(_id: "fit", value: "fit", count: 2)]
        new.predictions = [prediction("d"), prediction("c"), prediction("b")]
        new.accuracy = [AccuracyPoint(_id: 40, value: 0.85), AccuracyPoint(_id: 30, value: 0.9), AccuracyPoint(_id: 20, value: 0.8)]
        new.summary = Summary(reviews: 40, correct: 34, accuracy: 0.85, modelVersion: "m1", reviewsPerMinute: 12, distinctWords: 3, deadLettered: 0)

        let events = new.events(since: old)
        #expect(names(events) == ["words", "predictions", "accuracy", "summary"])
        let words = try #require(try json(events[0]) as? [[String: Any]])
        #expect(words.map { $0["value"] as? String } == ["dress", "fit"])
        #expect(words.map { $0["count"] as? Int } == [5, 2])
        let predictions = try #require(try json(events[1]) as? [[String: Any]])
        #expect(predictions.map { $0["_id"] as? String } == ["d", "c"])
        let points = try #require(try json(events[2]) as? [[String: Any]])
        #expect(points.map { $0["_id"] as? Int } == [30, 40])
    }

    @Test func eventsAreFramedAsServerSentEvents() {
        let event = ServerSentEvent(name: "summary", json: ["reviews": 1])
        #expect(String(buffer: event.bytes) == "event: summary\ndata: {\"reviews\":1}\n\n")
    }
}
