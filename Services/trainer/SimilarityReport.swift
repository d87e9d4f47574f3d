import Foundation
import ReviewAnalysis

/// How good the neighbours are, judged by the catalog's classes (which the similarity never sees): the share of a
/// product's neighbours in its own class, against the share a random pick of other products would have, over all
/// products and over the well-reviewed ones.
struct SimilarityReport: Encodable {
    struct Group: Encodable {
        /// Products judged: those with a class and at least one neighbour.
        var products = 0
        /// Mean share of neighbours in the product's class.
        var sameClass = 0.0
        /// Mean share a uniform random pick among the other classed products would have.
        var random = 0.0
        var lift: Double? { random > 0 ? sameClass / random : nil }

        enum CodingKeys: String, CodingKey { case products, sameClass, random, lift }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(products, forKey: .products)
            try container.encode(sameClass, forKey: .sameClass)
            try container.encode(random, forKey: .random)
            try container.encodeIfPresent(lift, forKey: .lift)
        }
    }

    var all = Group()
    var wellReviewed = Group()
    /// What "well reviewed" means.
    var minReviews: Int
    var products: Int
    var reviews: Int
    var seconds: Double
    var peakMemoryMB: Double

    init(_ results: [ProductSimilarity.Neighbours], classes: [String: String], minReviews: Int, reviews: Int, seconds: Double) {
        self.minReviews = minReviews
        products = results.count
        self.reviews = reviews
        self.seconds = seconds
        peakMemoryMB = Self.peakMemoryMB()
        // The random baseline draws among the products that took part, as the neighbours do.
        var perClass: [String: Int] = [:]
        for result in results { if let kind = classes[result.productID] { perClass[kind, default: 0] += 1 } }
        let classed = perClass.values.reduce(0, +)
        for result in results {
            guard let kind = classes[result.productID], !result.similar.isEmpty, classed > 1 else { continue }
            let share = Double(result.similar.filter { classes[$0.id] == kind }.count) / Double(result.similar.count)
            let random = Double(perClass[kind]! - 1) / Double(classed - 1)
            for group in result.reviews >= minReviews ? [\Self.all, \Self.wellReviewed] : [\Self.all] {
                self[keyPath: group].products += 1
                self[keyPath: group].sameClass += share
                self[keyPath: group].random += random
            }
        }
        for group in [\Self.all, \Self.wellReviewed] where self[keyPath: group].products > 0 {
            self[keyPath: group].sameClass /= Double(self[keyPath: group].products)
            self[keyPath: group].random /= Double(self[keyPath: group].products)
        }
    }

    /// The process's peak resident memory, from Linux's `VmHWM` (0 where there is no /proc).
    static func peakMemoryMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes / 1024
    }

    var text: String {
        func cells(_ values: [String]) -> String {
            zip(values, [24, 8, 12, 10, 7]).enumerated().map { index, pair in
                let (value, width) = pair
                let padding = String(repeating: " ", count: max(0, width - value.count))
                return index == 0 ? value + padding : padding + value
            }.joined(separator: " ")
        }
        func row(_ name: String, _ group: Group) -> String {
            cells([name, "\(group.products)", String(format: "%.1f %%", group.sameClass * 100), String(format: "%.1f %%", group.random * 100),
                   group.lift.map { String(format: "%.2f×", $0) } ?? "–"])
        }
        return """
        similar products: \(products) products, \(reviews) reviews, \(String(format: "%.2f", seconds)) s, peak memory \(String(format: "%.0f", peakMemoryMB)) MB
        \(cells(["products", "judged", "same class", "random", "lift"]))
        \(row("all", all))
        \(row("with ≥ \(minReviews) reviews", wellReviewed))
        """
    }
}
