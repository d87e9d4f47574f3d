import ReviewAnalysis
import Testing

@Suite struct ProductSimilarityTests {
    /// Three kinds of product, two of each, described by different words; plus words every product's reviews use.
    static let reviews: [ProductSimilarity.Review] = [
        .init(productID: "linen-a", text: "Airy linen, breathable in the summer heat. Love it.", title: "Cool linen"),
        .init(productID: "linen-a", text: "The linen wrinkles but breathes so well on hot days."),
        .init(productID: "linen-b", text: "Breathable linen shirt, perfect for summer. Love it."),
        .init(productID: "linen-b", text: "Hot summer days call for this airy linen.", title: "Breathes"),
        .init(productID: "wool-a", text: "Warm wool sweater, cosy in winter. Love it.", title: "So warm"),
        .init(productID: "wool-a", text: "Thick knit wool, itchy at first but warm."),
        .init(productID: "wool-b", text: "Cosy winter knit, the wool is thick and warm."),
        .init(productID: "wool-b", text: "Itchy wool but a warm sweater. Love it."),
        .init(productID: "denim-a", text: "Stretch denim jeans, the waist fits and the hem is long."),
        .init(productID: "denim-a", text: "Great jeans, stretchy denim. Love it.", title: "Jeans"),
        .init(productID: "denim-b", text: "These jeans have a long hem; denim with stretch."),
        .init(productID: "denim-b", text: "Stretchy jeans with a high waist. Love it."),
    ]

    @Test func eachProductsNearestNeighbourIsItsTwin() {
        let results = ProductSimilarity(neighbours: 2).compute(Self.reviews)
        #expect(results.map(\.productID) == ["denim-a", "denim-b", "linen-a", "linen-b", "wool-a", "wool-b"])
        let twin = ["denim-a": "denim-b", "denim-b": "denim-a", "linen-a": "linen-b", "linen-b": "linen-a", "wool-a": "wool-b", "wool-b": "wool-a"]
        for result in results {
            #expect(result.reviews == 2)
            #expect(result.similar.first?.id == twin[result.productID], "\(result.productID): \(result.similar)")
            #expect(result.similar.count <= 2)
            #expect(result.similar.allSatisfy { $0.score > 0 && $0.score <= 1 })
            #expect(zip(result.similar, result.similar.dropFirst()).allSatisfy { $0.score >= $1.score }, "best first")
            // The twin shares the product's own words; any other neighbour only the words all products use.
            if result.similar.count == 2 { #expect(result.similar[0].score > 2 * result.similar[1].score) }
        }
    }

    @Test func productsSharingNoWordHaveNoNeighboursAndTheResultIsDeterministic() {
        let apart: [ProductSimilarity.Review] = [
            .init(productID: "x", text: "velvet burgundy"), .init(productID: "y", text: "sandals leather"), .init(productID: "z", text: "velvet ribbon"),
        ]
        let results = ProductSimilarity(neighbours: 4).compute(apart)
        #expect(results.first { $0.productID == "y" }?.similar.isEmpty == true)
        #expect(results.first { $0.productID == "x" }?.similar.map(\.id) == ["z"])
        #expect(ProductSimilarity().compute(Self.reviews) == ProductSimilarity().compute(Self.reviews.reversed()))
    }
}
