/// Names of the MongoDB collections of the product side: the catalog with its per-product figures and the similar
/// products the trainer computes. Kept apart from ``ResultCollections`` so the two systems' names read on their own.
public enum ProductCollections {
    /// ``Product`` documents: the catalog (from the `products` topic) and each product's figures (from the reviews),
    /// both written by the stream processor in the transactions that store the offsets they cover.
    public static let products = "products"
    /// ``SimilarProducts`` documents, one per product, replaced whole by `trainer similar`.
    public static let similar = "similar"
    /// Where `trainer similar` writes a new set before it replaces ``similar`` in one rename.
    public static let similarStaging = "similar_next"
    /// ``SearchTerm`` documents, one per word: the search index, rebuilt by `trainer similar` and kept current for
    /// the catalog's words by the stream processor.
    public static let searchTerms = "search_terms"
    /// Where `trainer similar` writes a new index before it replaces ``searchTerms`` in one rename.
    public static let searchTermsStaging = "search_terms_next"
}
