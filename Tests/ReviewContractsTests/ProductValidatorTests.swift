import Foundation
import ReviewContracts
import Testing

@Suite struct ProductValidatorTests {
    let validator = ProductValidator()

    func check(_ json: String, key: String? = nil) -> Result<ProductMessage, ProductRejection> {
        validator.message(from: Array(json.utf8), key: key)
    }

    @Test func acceptsTheCatalogShapeWithOrWithoutCategories() throws {
        let full = try check(#"{"id": "1078", "name": "Petite Dresses #1078", "division": "General Petite", "department": "Dresses", "class": "Dresses"}"#, key: "1078").get()
        #expect(full == ProductMessage(id: "1078", name: "Petite Dresses #1078", division: "General Petite", department: "Dresses", productClass: "Dresses"))
        let bare = try check(#"{"id": 72, "name": "Item #72"}"#).get()
        #expect(bare == ProductMessage(id: "72", name: "Item #72"))
        // An empty category is no category.
        #expect(try check(#"{"id": "9", "name": "Nine", "class": ""}"#).get().productClass == nil)
    }

    @Test(arguments: [
        ("{", "invalid_json"),
        ("[1]", "not_an_object"),
        (#"{"name": "no id"}"#, "missing_field"),
        (#"{"id": "1"}"#, "missing_field"),
        (#"{"id": "", "name": "x"}"#, "wrong_type"),
        (#"{"id": 1.5, "name": "x"}"#, "wrong_type"),
        (#"{"id": "1", "name": "  "}"#, "wrong_type"),
        (#"{"id": "1", "name": "x", "class": 4}"#, "wrong_type"),
    ])
    func refusesMessagesThatBreakTheContract(json: String, reason: String) {
        guard case .failure(let rejection) = check(json) else {
            Issue.record("accepted \(json)")
            return
        }
        #expect(rejection.reason == reason)
    }

    @Test func refusesAKeyThatIsNotTheIdAndOverLongFields() {
        #expect(check(#"{"id": "1", "name": "x"}"#, key: "2") == .failure(.keyMismatch(key: "2", id: "1")))
        let long = String(repeating: "a", count: 201)
        #expect(check(#"{"id": "1", "name": "\#(long)"}"#) == .failure(.tooLong(field: "name", limit: 200)))
    }

    @Test func theStoredProductReadsMissingFiguresAsZeroAndDerivesTheAverage() throws {
        let decoded = try JSONDecoder().decode(Product.self, from: Data(#"{"_id": "5", "reviews": 4, "ratingSum": 14, "ratings": {"3": 2, "4": 2}, "correct": 3}"#.utf8))
        #expect(decoded.averageRating == 3.5)
        #expect(decoded.accuracy == 0.75)
        #expect(decoded.ratingHistogram == ["1": 0, "2": 0, "3": 2, "4": 2, "5": 0])
        let bare = try JSONDecoder().decode(Product.self, from: Data(#"{"_id": "6", "name": "Six"}"#.utf8))
        #expect(bare.reviews == 0 && bare.averageRating == nil && bare.keywords.isEmpty)
        #expect(Product.stars(forScore: 4.6) == 5 && Product.stars(forScore: 0.2) == 1)
    }
}
