import Foundation
import Hummingbird
import ReviewContracts
import ServiceSupport
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

    @Test func changedTopProductsAreSentWholeAndUnchangedOnesNot() throws {
        var old = ResultsSnapshot()
        old.products = TopProducts([Product(id: "a", reviews: 3)], minimumReviews: 5)
        var new = old
        #expect(new.events(since: old).isEmpty)
        new.products = TopProducts([Product(id: "a", reviews: 3), Product(id: "b", name: "B", reviews: 6, ratingSum: 27)], minimumReviews: 5)
        let events = new.events(since: old)
        #expect(names(events) == ["products"])
        let top = try #require(try json(events[0]) as? [String: Any])
        #expect((top["byReviews"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["b", "a"])
        #expect((top["byRating"] as? [[String: Any]])?.compactMap { $0["averageRating"] as? Double } == [4.5])
        #expect(top["total"] as? Int == 2)
        #expect(ResultsSnapshot().events(since: old).isEmpty, "no top products read yet: nothing to send")
    }

    @Test func aPacedStreamGetsOnlyTheNewestPredictionsWithTheirTextClipped() throws {
        var new = ResultsSnapshot()
        new.predictions = (0..<10).reversed().map { prediction("p\($0)") }
        let long = String(repeating: "lovely ", count: 50)
        new.predictions[0] = PredictionEntry(_id: "p9", review: long, expected: "pos", result: "pos", probability: 0.9, modelVersion: "m1", processedAt: nil)

        let events = new.events(since: ResultsSnapshot(), maxPredictions: 3, preview: 20)
        let predictions = try #require(try json(events[0]) as? [[String: Any]])
        #expect(predictions.map { $0["_id"] as? String } == ["p9", "p8", "p7"])
        let clipped = try #require(predictions[0]["review"] as? String)
        #expect(clipped.count == 20 && clipped.hasSuffix("…") && long.hasPrefix(clipped.dropLast()))
        #expect(predictions[1]["review"] as? String == "text p8", "short texts are sent whole")

        let unpaced = try #require(try json(new.events(since: ResultsSnapshot())[0]) as? [[String: Any]])
        #expect(unpaced.count == 10 && unpaced[0]["review"] as? String == long)
    }

    @Test func streamOptionsComeFromTheQueryAndBadOnesAreRejected() throws {
        #expect(try LiveStreamOptions(Parameters()) == LiveStreamOptions())
        var query = Parameters()
        query["interval"] = "0"; query["predictions"] = "100"; query["preview"] = "0"
        let firehose = try LiveStreamOptions(query)
        #expect(firehose.interval == .zero && firehose.predictions == 100 && firehose.preview == 0)
        for (name, value) in [("interval", "-1"), ("predictions", "0"), ("predictions", "101"), ("preview", "x")] {
            var bad = Parameters()
            bad[Substring(name)] = Substring(value)
            #expect(throws: APIError.self) { try LiveStreamOptions(bad) }
        }
    }

    @Test func eventsAreFramedAsServerSentEvents() {
        let event = ServerSentEvent(name: "summary", json: ["reviews": 1])
        #expect(String(buffer: event.bytes) == "event: summary\ndata: {\"reviews\":1}\n\n")
    }
}
