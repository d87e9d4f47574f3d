import ReviewContracts

/// Ranks what the search index holds for a query's words. Products: more of the words in the name or categories
/// first, then more of them in the name, then the products whose reviews use the words most, then the most
/// reviewed. Reviews: those using more of the words first, then the newest. Pure; the controller reads the
/// documents this names.
struct SearchRanking {
    /// Product ids, best first.
    let products: [String]
    /// Review ids, best first.
    let reviews: [String]

    init(terms: [SearchTerm]) {
        struct Score {
            var inCatalog = 0, inName = 0, reviewsUsing = 0, reviews = 0
        }
        var scores: [String: Score] = [:]
        var reviewScores: [String: (words: Int, seq: Int)] = [:]
        for term in terms {
            for entry in term.products {
                var score = scores[entry.id] ?? Score()
                if entry.inCatalog { score.inCatalog += 1 }
                if entry.inName { score.inName += 1 }
                score.reviewsUsing = max(score.reviewsUsing, entry.reviewsUsing)
                score.reviews = max(score.reviews, entry.reviews)
                scores[entry.id] = score
            }
            for review in term.reviews {
                let seen = reviewScores[review.id]
                reviewScores[review.id] = ((seen?.words ?? 0) + 1, review.seq)
            }
        }
        products = scores.sorted { a, b in
            if a.value.inCatalog != b.value.inCatalog { return a.value.inCatalog > b.value.inCatalog }
            if a.value.inName != b.value.inName { return a.value.inName > b.value.inName }
            if a.value.reviewsUsing != b.value.reviewsUsing { return a.value.reviewsUsing > b.value.reviewsUsing }
            if a.value.reviews != b.value.reviews { return a.value.reviews > b.value.reviews }
            return a.key < b.key
        }.map(\.key)
        reviews = reviewScores.sorted { a, b in
            a.value.words != b.value.words ? a.value.words > b.value.words : a.value.seq > b.value.seq
        }.map(\.key)
    }
}
