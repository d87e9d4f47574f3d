import Foundation
import ReviewAnalysis

/// The reviews of a JSON-lines review file that name their product (`itemId`, or the McAuley `asin`), for
/// `trainer similar --data`; lines without a product or text are skipped.
struct ProductReviewFile {
    var reviews: [ProductSimilarity.Review] = []
    var skippedLines = 0

    init(path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DataFileError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let text = object["reviewText"] as? String, let product = Self.productID(object["itemId"] ?? object["asin"])
            else {
                skippedLines += 1
                continue
            }
            reviews.append(.init(productID: product, text: text, title: object["summary"] as? String ?? ""))
        }
        if reviews.isEmpty { throw DataFileError.empty(path: path) }
    }

    /// Ids are strings; the dataset's clothing ids may come as numbers.
    static func productID(_ value: Any?) -> String? {
        switch value {
        case let string as String where !string.isEmpty: string
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    /// Each product's class from a catalog file (`{id, class?}` per line), for the quality report.
    static func classes(catalog path: String) throws -> [String: String] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DataFileError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        var classes: [String: String] = [:]
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let id = productID(object["id"]), let kind = object["class"] as? String else { continue }
            classes[id] = kind
        }
        return classes
    }
}
