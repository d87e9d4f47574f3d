import Foundation

/// The hot results (top words, newest predictions and accuracy points, the summary) as last read from the database.
struct ResultsSnapshot: Sendable, Equatable {
    static let size = 100

    var words: [WordCountEntry] = []
    var predictions: [PredictionEntry] = []
    var accuracy: [AccuracyPoint] = []
    var summary = Summary(reviews: 0, correct: 0, accuracy: nil, modelVersion: nil, reviewsPerMinute: 0, distinctWords: 0, deadLettered: 0)
    /// The top products, nil until first read (they are read on their own schedule, see ``LiveResultsService``).
    var products: TopProducts?

    /// What changed from `old` to `self`, as the events a live dashboard needs to catch up: of the new predictions
    /// only the newest `maxPredictions`, their text clipped to `preview` characters (0: whole).
    func events(since old: ResultsSnapshot, maxPredictions: Int = .max, preview: Int = 0) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        let oldCounts = Dictionary(old.words.map { ($0.value, $0.count) }, uniquingKeysWith: max)
        let changedWords = words.filter { oldCounts[$0.value] != $0.count }.map { WordDelta(value: $0.value, count: $0.count) }
        if !changedWords.isEmpty { events.append(ServerSentEvent(name: "words", json: changedWords)) }
        let known = Set(old.predictions.map(\._id))
        let newPredictions = predictions.filter { !known.contains($0._id) }.prefix(maxPredictions)
            .map { preview > 0 ? $0.clipped(to: preview) : $0 }
        if !newPredictions.isEmpty { events.append(ServerSentEvent(name: "predictions", json: newPredictions)) }
        let lastTotal = old.accuracy.first?._id ?? -1
        let newPoints = accuracy.filter { $0._id > lastTotal }.sorted { $0._id < $1._id }
        if !newPoints.isEmpty { events.append(ServerSentEvent(name: "accuracy", json: newPoints)) }
        if summary != old.summary { events.append(ServerSentEvent(name: "summary", json: summary)) }
        if let products, products != old.products { events.append(ServerSentEvent(name: "products", json: products)) }
        return events
    }

    struct WordDelta: Encodable {
        let value: String
        let count: Int
    }
}
