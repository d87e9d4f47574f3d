import ReviewContracts
import Testing

@testable import APIServer

@Suite("search ranking")
struct SearchRankingTests {
    @Test func moreCatalogWordsFirstThenNameThenReviewUseThenReviews() {
        let ranking = SearchRanking(terms: [
            SearchTerm(id: "summer", products: [
                .init(id: "both", inName: true, inCatalog: true, reviews: 1), .init(id: "named", inName: true, inCatalog: true, reviews: 1),
                .init(id: "talked", reviewsUsing: 9, reviews: 50),
            ], reviews: [.init(id: "r1", seq: 1), .init(id: "r5", seq: 5)]),
            SearchTerm(id: "dress", products: [
                .init(id: "both", inCatalog: true, reviews: 1), .init(id: "class", inCatalog: true, reviews: 90),
                .init(id: "talked", reviewsUsing: 2, reviews: 50), .init(id: "quiet", reviewsUsing: 1, reviews: 99),
            ], reviews: [.init(id: "r1", seq: 1), .init(id: "r3", seq: 3)]),
        ])
        #expect(ranking.products == ["both", "named", "class", "talked", "quiet"])
        #expect(ranking.reviews == ["r1", "r5", "r3"], "using both words first, then the newest")
    }

    @Test func nothingIndexedFindsNothing() {
        let ranking = SearchRanking(terms: [])
        #expect(ranking.products.isEmpty && ranking.reviews.isEmpty)
    }
}
