import Testing

@testable import APIServer

@Suite("word counts kept in memory")
struct WordCountBookTests {
    @Test func topWordsAreByCountThenAlphabeticalLikeTheDatabaseQuery() {
        var book = WordCountBook()
        #expect(!book.isLoaded && book.top(10).isEmpty)
        book.load([("dress", 5), ("fabric", 9), ("fit", 5), ("color", 1), ("blue", 5)])
        #expect(book.isLoaded)
        #expect(book.top(4).map(\.value) == ["fabric", "blue", "dress", "fit"])
        #expect(book.top(4).map(\.count) == [9, 5, 5, 5])
        #expect(book.top(100).count == 5)
        #expect(book.top(1) == [WordCountEntry(_id: "fabric", value: "fabric", count: 9)])
    }

    @Test func changesOnlyRaiseCountsSoStaleOrRepeatedEventsAreHarmless() {
        var book = WordCountBook()
        book.load([("dress", 5)])
        let revision = book.revision
        let raised = book.apply(word: "dress", count: 7)
        // An event older than the full read, or delivered twice: no change, no new revision.
        let older = book.apply(word: "dress", count: 6), repeated = book.apply(word: "dress", count: 7)
        let added = book.apply(word: "hem", count: 1)
        #expect(raised && !older && !repeated && added)
        #expect(book.counts == ["dress": 7, "hem": 1])
        #expect(book.revision == revision + 2)
        // A full read replaces everything, lower counts included (the results were reset).
        book.load([("hem", 1)])
        #expect(book.counts == ["hem": 1])
    }
}
