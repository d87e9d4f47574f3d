import ReviewContracts
import Testing

@Suite("search index documents")
struct SearchTermTests {
    typealias Entry = SearchTerm.ProductEntry

    @Test func aWordKeepsItsBestProductsCatalogMatchesFirst() {
        var builder = SearchIndexBuilder()
        // 60 products name the word "dress" in a category only; their reviews counts decide which 50 stay.
        for index in 0..<60 {
            builder.add(.init(id: "c\(index)", nameWords: [], keywords: ["dress"], reviews: index))
        }
        builder.add(.init(id: "named", nameWords: ["dress"], keywords: ["dress"], reviews: 0))
        builder.add(productID: "talked", reviews: 500, wordUsage: [(word: "dress", reviews: 40)])
        let dress = builder.build().first { $0.id == "dress" }!
        #expect(dress.products.count == SearchTerm.maxProducts)
        #expect(dress.products.first?.id == "named", "a name match before category-only matches")
        #expect(dress.products[1].id == "c59" && dress.products[49].id == "c11", "then the most reviewed")
        #expect(!dress.products.contains { $0.id == "talked" }, "a review-only match ranks after 50 catalog matches")
    }

    @Test func reviewsAreTheNewestPerWordWhateverTheOrderTheyCameIn() {
        var builder = SearchIndexBuilder()
        builder.add(productID: "p", reviews: 30, wordUsage: [(word: "linen", reviews: 30)])
        for seq in (1...30).shuffled() {
            builder.add(review: .init(id: "r\(seq)", seq: seq), words: seq % 2 == 0 ? ["linen", "even"] : ["linen"])
        }
        let index = Dictionary(uniqueKeysWithValues: builder.build().map { ($0.id, $0) })
        #expect(index["linen"]?.reviews.map(\.seq) == Array((11...30).reversed()))
        #expect(index["even"] == nil, "no product is found by it, so it has no document")
    }

    @Test func catalogEntriesAreSetAndRemovedKeepingWhatReviewsGave() {
        var term = SearchTerm(id: "wool", products: [Entry(id: "a", reviewsUsing: 3, reviews: 9), Entry(id: "b", reviewsUsing: 1, reviews: 2)])
        term.setCatalogEntry(productID: "b", inName: true, reviews: 4)
        #expect(term.products == [Entry(id: "b", inName: true, inCatalog: true, reviewsUsing: 1, reviews: 4), Entry(id: "a", reviewsUsing: 3, reviews: 9)])
        term.setCatalogEntry(productID: "new", inName: false, reviews: 0)
        #expect(term.products.map(\.id) == ["b", "new", "a"])
        term.removeCatalogEntry(productID: "b")
        #expect(term.products == [Entry(id: "new", inCatalog: true), Entry(id: "a", reviewsUsing: 3, reviews: 9), Entry(id: "b", reviewsUsing: 1, reviews: 4)],
                "b's reviews still use the word")
        term.removeCatalogEntry(productID: "new")
        #expect(term.products.map(\.id) == ["a", "b"])
        term.removeCatalogEntry(productID: "unknown")
        #expect(term.products.count == 2)
    }

    @Test func aFullWordMakesRoomForABetterCatalogEntryOnly() {
        var term = SearchTerm(id: "top", products: (0..<SearchTerm.maxProducts).map { Entry(id: "p\($0)", inCatalog: true, reviews: 10 + $0) })
        term.setCatalogEntry(productID: "fresh", inName: false, reviews: 0)
        #expect(term.products.count == SearchTerm.maxProducts && !term.products.contains { $0.id == "fresh" })
        term.setCatalogEntry(productID: "named", inName: true, reviews: 0)
        #expect(term.products.count == SearchTerm.maxProducts && term.products.first?.id == "named")
        #expect(!term.products.contains { $0.id == "p0" }, "the least reviewed made room")
    }
}
