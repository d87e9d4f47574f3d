import Foundation
import Mongo
import ReviewContracts
import Testing

/// `trainer similar` as an operator runs it: from a file, and against the real database with the swap.
@Suite("trainer similar")
struct SimilarCommandTests {
    /// Two products of each of three kinds, their reviews in the dataset's shape (numeric `asin`), and a catalog.
    static func handMadeSet() throws -> (reviews: URL, catalog: URL) {
        let kinds: [(name: String, ids: [Int], texts: [String])] = [
            ("Blouses", [10, 11], ["Airy linen blouse, breathable in the summer heat", "The linen breathes on hot summer days", "Breathable airy linen"]),
            ("Sweaters", [20, 21], ["Warm wool sweater, cosy in winter", "Thick knit wool, itchy but warm", "Cosy winter knit in thick wool"]),
            ("Jeans", [30, 31], ["Stretch denim jeans with a long hem", "Stretchy denim, high waist jeans", "Denim jeans that stretch"]),
        ]
        var reviewLines: [String] = [], catalogLines: [String] = []
        for kind in kinds {
            for id in kind.ids {
                catalogLines.append(#"{"id": "\#(id)", "name": "\#(kind.name) #\#(id)", "class": "\#(kind.name)"}"#)
                for (index, text) in kind.texts.enumerated() where (index + id) % 3 != 0 {
                    reviewLines.append(#"{"reviewText": "\#(text)", "overall": 5, "summary": "ok", "asin": \#(id)}"#)
                }
            }
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("similar-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let reviews = directory.appendingPathComponent("reviews.jsonl"), catalog = directory.appendingPathComponent("products.jsonl")
        try Data(reviewLines.joined(separator: "\n").utf8).write(to: reviews)
        try Data(catalogLines.joined(separator: "\n").utf8).write(to: catalog)
        return (reviews, catalog)
    }

    static let twins = ["10": "11", "11": "10", "20": "21", "21": "20", "30": "31", "31": "30"]

    @Test func fromAFileItPrintsEachProductsNeighboursAndJudgesThemByClass() throws {
        let (reviews, _) = try Self.handMadeSet()
        let result = try TrainerProcess.run(["similar", "--data", reviews.path, "--neighbours", "1", "--json", "--report", "--min-reviews", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 6)
        for line in lines {
            let id = try #require(line?["id"] as? String)
            let similar = try #require(line?["similar"] as? [[String: Any]])
            #expect(similar.count == 1 && similar.first?["id"] as? String == Self.twins[id], "\(id): \(similar)")
            let score = try #require(similar.first?["score"] as? Double)
            #expect(score > 0 && score <= 1)
        }
        // The report (on standard error with --json): every neighbour in its class, against a random 1 in 5.
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stderr.split(separator: "\n").last!.utf8)) as? [String: Any])
        let all = try #require(report["all"] as? [String: Any])
        #expect(all["products"] as? Int == 6 && all["sameClass"] as? Double == 1)
        #expect(abs((all["random"] as? Double ?? 0) - 0.2) < 1e-9)
    }

    @Test(.timeLimit(.minutes(2)))
    func fromTheDatabaseItReplacesTheWholeSimilarSet() async throws {
        let uri = ProcessInfo.processInfo.environment["MONGO_URI"] ?? "mongodb://127.0.0.1:27017/?replicaSet=secantus"
        let name = "trainer-similar-\(UUID().uuidString.prefix(8).lowercased())"
        let client = try MongoClient(uri: uri)
        defer { client.shutdown() }
        let database = client.database(name)
        let (reviews, _) = try Self.handMadeSet()
        var seq = 0
        for line in try String(contentsOf: reviews, encoding: .utf8).split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            seq += 1
            try await database.collection(ResultCollections.sentiment).insertOne([
                "_id": .string("r\(seq)"), "itemId": .string("\(object["asin"]!)"), "review": .string(object["reviewText"] as! String), "seq": .int64(Int64(seq)),
            ])
        }
        // A stale set, with a product that no longer has reviews: the swap must leave none of it.
        try await database.collection(ProductCollections.similar).insertOne(SimilarProducts(id: "gone", similar: [], computedAt: Date()))
        try await database.collection(ProductCollections.searchTerms).insertOne(SearchTerm(id: "gone", products: [.init(id: "gone", inCatalog: true)]))
        try await database.collection(ProductCollections.products).insertOne(
            Product(id: "20", name: "Sweaters #20", productClass: "Sweaters", keywords: ["sweaters", "20"], reviews: 2))
        let result = try TrainerProcess.run(["similar", "--mongo-uri", uri, "--mongo-db", name, "--neighbours", "1", "--min-products", "2", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let stored = try await database.collection(ProductCollections.similar).find(as: SimilarProducts.self)
        #expect(Set(stored.map(\.id)) == Set(Self.twins.keys))
        for document in stored { #expect(document.similar.map(\.id) == [Self.twins[document.id]!]) }
        #expect(try await database.listCollectionNames().contains(ProductCollections.similarStaging) == false)

        // The search index, rebuilt in the same run: each word with the products whose reviews use it (how many
        // reviews) or whose catalog entry names it, and its newest reviews.
        let index = Dictionary(uniqueKeysWithValues: try await database.collection(ProductCollections.searchTerms)
            .find(as: SearchTerm.self).map { ($0.id, $0) })
        // Both reviews of 20 and of 21 say "wool"; 20 is cataloged with 2 reviews, so it ranks first.
        #expect(index["wool"]?.products == [.init(id: "20", reviewsUsing: 2, reviews: 2), .init(id: "21", reviewsUsing: 2)])
        #expect(index["wool"]?.reviews.map(\.id) == ["r8", "r7", "r6", "r5"], "newest first")
        #expect(index["itchy"]?.products == [.init(id: "21", reviewsUsing: 1)] && index["itchy"]?.reviews.map(\.id) == ["r7"])
        #expect(index["sweaters"]?.products == [.init(id: "20", inName: true, inCatalog: true, reviews: 2)], "a catalog word")
        #expect(index["gone"] == nil && index.count > 20)
        #expect(try await database.listCollectionNames().contains(ProductCollections.searchTermsStaging) == false)

        // Too few products: nothing is replaced.
        let tooFew = try TrainerProcess.run(["similar", "--mongo-uri", uri, "--mongo-db", name, "--min-products", "50", "--quiet"])
        #expect(tooFew.status == 0 && tooFew.stdout.contains("nothing written"))
        #expect(try await database.collection(ProductCollections.similar).countDocuments() == 6)
        try await database.drop()
    }
}
