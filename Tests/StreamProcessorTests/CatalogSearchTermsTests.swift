import ReviewContracts
import Testing

@testable import StreamProcessor

@Suite("catalog words in the search index")
struct CatalogSearchTermsTests {
    @Test func aRenamedProductMovesBetweenWordsAndEmptyWordsAreDeleted() {
        let before = ["7": Product(id: "7", name: "Knit top #7", keywords: ["knit", "top", "7"], reviews: 4)]
        let stored = [
            "knit": SearchTerm(id: "knit", products: [.init(id: "7", inName: true, inCatalog: true, reviews: 4)]),
            "top": SearchTerm(id: "top", products: [.init(id: "7", inName: true, inCatalog: true, reviewsUsing: 2, reviews: 4)]),
            "7": SearchTerm(id: "7", products: [.init(id: "7", inName: true, inCatalog: true, reviews: 4)], reviews: [.init(id: "r", seq: 1)]),
        ]
        let (changed, emptied) = CatalogSearchTerms.apply(
            [ProductMessage(id: "7", name: "Linen top #7", division: "General")], before: before, terms: stored
        )
        let byWord = Dictionary(uniqueKeysWithValues: changed.map { ($0.id, $0) })
        #expect(emptied == ["knit"])
        #expect(Set(byWord.keys) == ["linen", "general"], "unchanged words are not rewritten")
        #expect(byWord["linen"]?.products == [.init(id: "7", inName: true, inCatalog: true, reviews: 4)])
        #expect(byWord["general"]?.products == [.init(id: "7", inCatalog: true, reviews: 4)])
    }
}
