import Foundation
import Mongo
import ReviewContracts

/// The whole accuracy history, downsampled for a chart: after 400,000 reviews the newest few hundred points cover a
/// flat sliver at the end, which says nothing about how accuracy evolved.
///
/// The processor writes one point per batch (`{_id: total reviews, value}`), so a long run holds many thousands.
/// The first request reads them all once (their totals and values only); later requests read just the points after
/// the newest one known, from the `reviews` index, so a chart refreshing every few seconds costs one small query.
actor AccuracyHistory {
    private let database: MongoDatabase
    private var totals: [Int] = []
    private var values: [Double] = []

    init(database: MongoDatabase) {
        self.database = database
    }

    /// At most `points` points spread evenly over the number of reviews, ascending (``downsample(totals:values:points:)``).
    func downsampled(points: Int) async throws -> [AccuracyPoint] {
        try await catchUp()
        return Self.downsample(totals: totals, values: values, points: points)
    }

    private func catchUp() async throws {
        let accuracy = database.collection(ResultCollections.accuracy)
        let newest = try await accuracy.find([:], sort: ["_id": -1], limit: 1).first?["_id"]?.intValue ?? 0
        if newest < (totals.last ?? 0) {
            // The results were reset: start again.
            totals = []
            values = []
        }
        guard newest > (totals.last ?? 0) else { return }
        let after = totals.last ?? 0
        let documents = try await accuracy.find(["_id": ["$gt": .int64(Int64(after))]], sort: ["_id": 1], projection: ["_id": 1, "value": 1])
        for document in documents {
            guard let total = document["_id"]?.intValue, let value = document["value"]?.doubleValue, total > (totals.last ?? 0) else { continue }
            totals.append(total)
            values.append(value)
        }
    }

    /// The first point, then the last point of each of `points - 1` equal spans of the review count.
    static func downsample(totals: [Int], values: [Double], points: Int) -> [AccuracyPoint] {
        guard totals.count > points, points >= 2, let first = totals.first, let last = totals.last, last > first else {
            return zip(totals, values).map { AccuracyPoint(_id: $0, value: $1) }
        }
        let spans = points - 1, width = Double(last - first) / Double(spans)
        func span(_ index: Int) -> Int { min(spans - 1, Int(Double(totals[index] - first) / width)) }
        var sampled = [AccuracyPoint(_id: first, value: values[0])]
        for index in 1..<totals.count where index == totals.count - 1 || span(index + 1) != span(index) {
            sampled.append(AccuracyPoint(_id: totals[index], value: values[index]))
        }
        return sampled
    }
}
