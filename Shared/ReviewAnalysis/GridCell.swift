/// One point of the model-selection grid.
public struct GridCell: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    public var kind: ModelKind
    /// Forest: number of trees.
    public var trees: Int?
    /// Forest: maximum depth.
    public var depth: Int?
    /// Linear: inverse regularisation strength C.
    public var c: Double?
    /// Linear: the naive-Bayes interpolation β of ``NaiveBayesRatios/scales(interpolation:)``; nil for plain TF-IDF
    /// features (cells written before it existed read as nil).
    public var naiveBayes: Double?

    public static func forest(trees: Int, depth: Int) -> GridCell { GridCell(kind: .forest, trees: trees, depth: depth) }
    /// A linear cell; a naive-Bayes interpolation of 0 is the plain cell.
    public static func linear(c: Double, naiveBayes: Double? = nil) -> GridCell {
        GridCell(kind: .linear, c: c, naiveBayes: naiveBayes == 0 ? nil : naiveBayes)
    }

    public init(kind: ModelKind, trees: Int? = nil, depth: Int? = nil, c: Double? = nil, naiveBayes: Double? = nil) {
        self.kind = kind
        self.trees = trees
        self.depth = depth
        self.c = c
        self.naiveBayes = naiveBayes
    }

    public var description: String {
        switch kind {
        case .forest: "forest trees=\(trees ?? 0) depth=\(depth ?? 0)"
        case .linear: "linear C=\(c.map { $0.formatted() } ?? "?")" + (naiveBayes.map { " NB β=\($0.formatted())" } ?? "")
        }
    }
}

private extension Double {
    func formatted() -> String {
        self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
