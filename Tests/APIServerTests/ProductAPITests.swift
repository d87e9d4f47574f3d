import Foundation
import Hummingbird
import HummingbirdTesting
import Mongo
import Prometheus
import ReviewAnalysis
import ReviewContracts
import Testing

@testable import APIServer

/// The product endpoints of the real application against a real database holding a small catalog written as the
/// stream processor and the trainer write it.
@Suite("product API against the real database", .serialized)
struct ProductAPITests {
    let databaseName = TestStack.unique("products")

    func configuration() -> APIServerConfiguration {
        var configuration = APIServerConfiguration()
        configuration.kafkaBrokers = TestStack.kafkaBrokers
        configuration.mongoURI = TestStack.mongoURI
        configuration.mongoDatabase = databaseName
        configuration.reviewsTopic = TestStack.unique("reviews")
        configuration.partitions = 1
        return configuration
    }

    /// Product "p<i>" has i reviews (i = 0…24) averaging 1 + (i % 5); two products are dresses, one is named after
    /// a "linen" fabric while another only has the class "Linen".
    static func catalog() -> [Product] {
        let tokenizer = Tokenizer()
        return (0..<25).map { index in
            var product = Product(id: "p\(index)", name: "Knit top #\(index)", division: "General", department: "Tops", productClass: "Knits")
            if index == 3 || index == 4 { product.name = "Summer dress #\(index)"; product.department = "Dresses"; product.productClass = "Dresses" }
            if index == 5 { product.name = "Linen shirt #5" }
            if index == 6 { product.productClass = "Linen" }
            product.keywords = Array(Set(tokenizer.tokens(in: [product.name, product.division, product.department, product.productClass].compactMap { $0 }.joined(separator: " "))))
            product.reviews = index
            let stars = 1 + index % 5
            product.ratingSum = Double(stars * index)
            product.ratings = index > 0 ? ["\(stars)": index] : [:]
            product.positive = stars > 3 ? index : 0
            product.negative = index - product.positive
            product.correct = index
            return product
        }
    }

    func seed() async throws {
        let database = try MongoClient(uri: TestStack.mongoURI).database(databaseName)
        let products = database.collection(ProductCollections.products)
        for product in Self.catalog() { try await products.insertOne(product) }
        try await products.insertOne(["_id": "bare", "reviews": 1, "ratingSum": 4.0, "ratings": ["4": 1]])
        let similar = SimilarProducts(id: "p3", similar: [.init(id: "p4", score: 0.9), .init(id: "p5", score: 0.4)], computedAt: Date())
        try await database.collection(ProductCollections.similar).insertOne(similar)
        let reviews: [BSONDocument] = (1...7).map { seq in
            ["_id": .string("r\(seq)"), "itemId": "p3", "review": .string(seq == 2 ? "Lovely LINEN, breathes" : "Fits well \(seq)"),
             "expected": "pos", "result": "pos", "score": 5.0, "probability": 0.9, "seq": .int64(Int64(seq)), "processedAt": .date(Date())]
        }
        try await database.collection(ResultCollections.sentiment).insertMany(reviews)
        // The search index as trainer similar builds it: the catalog's words, the words of p7's and p8's reviews
        // (4 and 2 of them say "breezy"), and each word's newest reviews.
        let tokenizer = Tokenizer()
        var index = SearchIndexBuilder()
        for product in Self.catalog() {
            index.add(.init(id: product.id, nameWords: Set(tokenizer.tokens(in: product.name ?? "")), keywords: Set(product.keywords), reviews: product.reviews))
        }
        index.add(productID: "p7", reviews: 7, wordUsage: [("breezy", 4), ("soft", 3)])
        index.add(productID: "p8", reviews: 8, wordUsage: [("breezy", 2)])
        for review in reviews {
            index.add(review: .init(id: review["_id"]!.stringValue!, seq: review["seq"]!.intValue!), words: Set(tokenizer.tokens(in: review["review"]!.stringValue!)))
        }
        for term in index.build() { try await database.collection(ProductCollections.searchTerms).insertOne(term) }
    }

    func json(_ response: TestResponse) throws -> Any { try JSONSerialization.jsonObject(with: Data(buffer: response.body)) }

    func get(_ client: some TestClientProtocol, _ uri: String) async throws -> (status: HTTPResponse.Status, body: Any) {
        let response = try await client.execute(uri: uri, method: .get)
        return (response.status, try json(response))
    }

    @Test(.timeLimit(.minutes(2)))
    func listTopProductReviewsSearchAndErrors() async throws {
        try await seed()
        let app = try await buildApplication(configuration(), registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            // Paging by reviews visits every product once, most reviewed first.
            var seen: [String] = [], cursor: String?
            repeat {
                let page = try await get(client, "/api/v1/products?limit=7&sort=reviews" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(page.status == .ok)
                let body = try #require(page.body as? [String: Any])
                seen += (body["products"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                cursor = body["nextCursor"] as? String
                #expect(body["total"] as? Int == 26)
            } while cursor != nil
            #expect(seen.count == 26 && Set(seen).count == 26)
            #expect(Array(seen.prefix(3)) == ["p24", "p23", "p22"])

            let byName = try #require(try await get(client, "/api/v1/products?limit=3&sort=name").body as? [String: Any])
            #expect((byName["products"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["Knit top #0", "Knit top #1"])
            let first = try #require((byName["products"] as? [[String: Any]])?.first)
            #expect(first["id"] as? String == "bare", "a product the catalog has not named yet sorts first by name")
            #expect(first["ratingHistogram"] == nil && first["similar"] == nil)

            // Top by rating: 5 stars first, only products with at least 5 reviews.
            let top = try #require(try await get(client, "/api/v1/products/top?by=rating&limit=3").body as? [[String: Any]])
            #expect(top.compactMap { $0["id"] as? String } == ["p24", "p19", "p14"])
            #expect(top.first?["averageRating"] as? Double == 5)
            let topReviews = try #require(try await get(client, "/api/v1/products/top").body as? [[String: Any]])
            #expect(topReviews.count == 10 && topReviews.first?["id"] as? String == "p24")

            // One product with its histogram, figures and named neighbours.
            let product = try #require(try await get(client, "/api/v1/products/p3").body as? [String: Any])
            #expect(product["name"] as? String == "Summer dress #3" && product["class"] as? String == "Dresses")
            #expect(product["ratingHistogram"] as? [String: Int] == ["1": 0, "2": 0, "3": 0, "4": 3, "5": 0])
            #expect(product["averageRating"] as? Double == 4 && product["accuracy"] as? Double == 1)
            #expect((product["predicted"] as? [String: Int]) == ["pos": 3, "neg": 0])
            let similar = try #require(product["similar"] as? [[String: Any]])
            #expect(similar.compactMap { $0["name"] as? String } == ["Summer dress #4", "Linen shirt #5"])
            let missing = try await get(client, "/api/v1/products/nope")
            #expect(missing.status == .notFound && (missing.body as? [String: String])?["error"] == "unknown_product")

            // Its reviews, newest first, paged by `before`.
            let page1 = try #require(try await get(client, "/api/v1/products/p3/reviews?limit=4").body as? [String: Any])
            #expect((page1["reviews"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["r7", "r6", "r5", "r4"])
            let before = try #require(page1["nextBefore"] as? Int)
            let page2 = try #require(try await get(client, "/api/v1/products/p3/reviews?limit=4&before=\(before)").body as? [String: Any])
            #expect((page2["reviews"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["r3", "r2", "r1"])
            #expect(page2["nextBefore"] is NSNull || page2["nextBefore"] == nil)

            // Search: case and punctuation do not matter; a name match ranks above a class match; reviews that
            // use the words come along.
            let found = try #require(try await get(client, "/api/v1/search?q=LINEN!").body as? [String: Any])
            #expect((found["products"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["p5", "p6"])
            let both = try #require(try await get(client, "/api/v1/search?q=summer%20dresses&limit=5").body as? [String: Any])
            #expect((both["products"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["p4", "p3"])
            #expect((both["reviews"] as? [[String: Any]])?.isEmpty == true)
            let withReview = try #require(try await get(client, "/api/v1/search?q=linen%20dress%20summer%203").body as? [String: Any])
            // Of the reviews, r3 uses "3" and r2 "linen": one word each, so the newest first.
            #expect((withReview["reviews"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["r3", "r2"])
            // Words of the reviews find products too, and among equal name matches the products whose reviews use
            // the words more come first, ahead of more reviewed ones.
            let byReviews = try #require(try await get(client, "/api/v1/search?q=breezy").body as? [String: Any])
            #expect((byReviews["products"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["p7", "p8"])
            let mixed = try #require(try await get(client, "/api/v1/search?q=knit%20breezy&limit=3").body as? [String: Any])
            #expect((mixed["products"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["p7", "p8", "p24"])

            // Bad input: 400 JSON naming the problem and the limit.
            for (uri, error) in [
                ("/api/v1/search?q=", "invalid_query"), ("/api/v1/search?q=%20%20", "invalid_query"),
                ("/api/v1/search?q=" + String(repeating: "a", count: 101), "invalid_query"), ("/api/v1/search?q=the", "invalid_query"),
                ("/api/v1/products?limit=0", "invalid_limit"), ("/api/v1/products?limit=101", "invalid_limit"),
                ("/api/v1/products?sort=price", "invalid_sort"), ("/api/v1/products?cursor=zzz", "invalid_cursor"),
                ("/api/v1/products/top?by=name", "invalid_by"), ("/api/v1/products/p3/reviews?before=x", "invalid_before"),
            ] {
                let answer = try await get(client, uri)
                #expect(answer.status == .badRequest, "\(uri)")
                #expect((answer.body as? [String: String])?["error"] == error, "\(uri)")
                #expect((answer.body as? [String: String])?["detail"]?.isEmpty == false)
            }
            let otherOrder = ProductController<MongoProductRepository>.cursor(order: .name, offset: 7)
            #expect(try await get(client, "/api/v1/products?sort=reviews&cursor=\(otherOrder)").status == .badRequest)
        }
        try await TestStack.dropDatabase(databaseName)
    }
}
